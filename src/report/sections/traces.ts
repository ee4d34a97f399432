/** The real-trace section: statistics, mismatches per engine, SGIs per INTID. */
import { orderEngines } from "../../engines/registry.ts";
import { LINUX_ARM64_IPI_NAMES } from "../../workload/profile.ts";
import { intidChart } from "../charts.ts";
import { esc, fmt, mean, pct, traceName } from "../format.ts";
import { histText, missingBox, table } from "../markup.ts";
import { intidCounts, unique } from "../shape.ts";
import { isMissing, type LabResults, type TraceFailure, type TraceReplay } from "../types.ts";

export function tracesSection(results: LabResults): string {
  if (isMissing(results.traces)) return `<section id="traces"><h2>Real guest traces</h2>${missingBox("Trace replay", results.traces.missing)}</section>`;
  const replays = results.traces.replays;
  const ok = replays.filter((r): r is TraceReplay => !("error" in r));
  const failed = replays.filter((r): r is TraceFailure => "error" in r);
  const engines = orderEngines(ok.flatMap((r) => Object.keys(r.engines)));
  const bad = (n: number): string => (n === 0 ? `<span class="ok num">0</span>` : `<span class="bad num">${fmt(n)}</span>`);
  const stats = ok.map((r) => {
    const s = r.stats;
    const cpm = mean(s.clustersPerMulticast);
    return [
      `<span title="${esc(r.trace)}">${esc(traceName(r.trace))}</span>`,
      `<span class="num">${r.bytes === undefined ? "—" : fmt(r.bytes)}</span>`,
      esc(r.topology ?? (r.vcpus === undefined ? "—" : `${String(r.vcpus)} vCPUs`)),
      `<span class="num">${fmt(r.writes)}</span>`,
      `<span class="num">${fmt(r.deliveries)}</span>`,
      `<span class="num">${pct(s.unicastShare)}</span>`,
      `<span class="num">${fmt(mean(s.targetsPerWrite))}</span>${histText(s.targetsPerWrite)}`,
      cpm > 0 ? `<span class="num">${fmt(cpm)}</span>${histText(s.clustersPerMulticast)}` : `<span class="dim">no multicast</span>`,
      `<span class="num">${typeof s.crossClusterShare === "number" ? pct(s.crossClusterShare) : "—"}</span>`,
      `<span class="num">${fmt(s.irm)}</span>`,
      r.oracle.checked > 0 ? `${bad(r.oracle.mismatches)} <span class="dim">of ${fmt(r.oracle.checked)}</span>` : `<span class="dim">no deliveries recorded</span>`,
    ];
  });
  const mism = ok.map((r) => [
    esc(traceName(r.trace)),
    ...engines.map((e) => {
      const x = r.engines[e];
      if (x === undefined) return "";
      if ("unsupported" in x) return `<span class="dim" title="${esc(String(x.unsupported))}">unsupported</span>`;
      return `${bad(x.mismatches)}<br><span class="dim">${fmt(r.writes > 0 ? x.visits / r.writes : 0)} visits/write</span>`;
    }),
  ]);
  const charts = ok.map((r) => intidChart(`SGIs per INTID — ${traceName(r.trace)}`, intidCounts(r.stats.byIntid)));
  const intids = unique(ok.flatMap((r) => intidCounts(r.stats.byIntid).map((c) => c.intid))).sort((a, b) => a - b);
  const intidRows = intids.map((i) => [
    `<span class="num">${String(i)}</span>`,
    esc(LINUX_ARM64_IPI_NAMES[String(i)] ?? "—"),
    ...ok.map((r) => {
      const n = intidCounts(r.stats.byIntid).find((c) => c.intid === i)?.sgis ?? 0;
      return `<span class="num">${fmt(n)}</span> <span class="ratio">${r.writes > 0 ? pct(n / r.writes) : ""}</span>`;
    }),
  ]);
  const firstBad = ok.filter((r) => r.oracle.mismatches > 0 && r.oracle.firstMismatch !== undefined && r.oracle.firstMismatch !== null);
  return `<section id="traces"><h2>Real guest traces</h2>
<p>Each trace is a real Linux guest's SGI writes (QEMU's <code>gicv3_icc_generate_sgi</code> events) with the deliveries QEMU made (<code>gicv3_redist_send_sgi</code>). Every write is replayed through every engine and compared with the reference model and with QEMU's recorded deliveries; any mismatch is shown in red.</p>
${table("Trace statistics", ["trace", "size (bytes)", "topology", "writes", "deliveries", "unicast share", "targets / write (mean; histogram)", "clusters / multicast (mean; histogram)", "to another cluster", "IRM writes", "vs QEMU (mismatches)"], stats)}
${table("Mismatches per engine (vs the reference model) and mean visits per write", ["trace", ...engines.map(esc)], mism, "matrix")}
${firstBad.map((r) => `<p class="bad">${esc(traceName(r.trace))}: first mismatch with QEMU: <code>${esc(JSON.stringify(r.oracle.firstMismatch))}</code></p>`).join("")}
${failed.map((f) => `<p class="bad">${esc(traceName(f.trace))} could not be replayed: ${esc(f.error)}</p>`).join("")}
${ok.length === 0 && failed.length === 0 ? missingBox("Traces", "no trace was found to replay") : ""}
<div class="charts">${charts.join("\n")}</div>
${intidRows.length > 0 ? table("SGIs per INTID, with the Linux arm64 IPI each INTID carries (Linux ≤ 6.6 numbering)", ["INTID", "Linux IPI", ...ok.map((r) => esc(traceName(r.trace)))], intidRows, "counts") : ""}
</section>`;
}
