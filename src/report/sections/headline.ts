/** The headline section: vsgi against each engine at the headline size, with the goals' verdicts. */
import { peerRulesOfEngine, projectionLabel } from "../../engines/peers.ts";
import { orderEngines } from "../../engines/registry.ts";
import { esc, fmt, geomean, machineText } from "../format.ts";
import { missingBox, table } from "../markup.ts";
import { cellKey, HEADLINE_VCPUS, unique } from "../shape.ts";
import type { BenchOutput, BenchResult } from "../types.ts";

/** A warning when the machine was loaded beyond its CPUs when the benchmark started. */
function busyNote(bench: BenchOutput): string {
  const l = (bench.machine.loadavg as readonly number[] | undefined)?.[0];
  if (l === undefined || l <= bench.machine.cpus) return "";
  return `<p class="missing"><strong>Busy machine:</strong> the load average was ${fmt(l)} on ${String(bench.machine.cpus)} CPUs when the benchmark started, so timings are noisier than usual (see the spreads). Visits per write are exact and unaffected.</p>`;
}

function goalsTable(bench: BenchOutput): string {
  const goals = bench.goals ?? [];
  if (goals.length === 0) return "";
  const rows = goals.map((g) => [
    esc(g.goal),
    esc(g.measured),
    g.met === true ? `<span class="ok">met</span>` : g.met === false ? `<span class="bad">not met</span>` : `<span class="dim">not measured in this run</span>`,
  ]);
  return table("The benchmark's goals, checked against this run", ["goal", "measured", "verdict"], rows);
}

export function headline(bench: BenchOutput): string {
  const rows = bench.results;
  const sizes = unique(rows.map((r) => r.vcpus)).sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : sizes[sizes.length - 1];
  if (at === undefined) return missingBox("Headline", "the benchmark returned no results");
  const here = rows.filter((r) => r.vcpus === at);
  const engines = orderEngines(here.map((r) => r.engine));
  const cells = unique(here.map(cellKey));
  const get = (cell: string, engine: string): BenchResult | undefined => here.find((r) => cellKey(r) === cell && r.engine === engine);
  const label = (cell: string): string => {
    const [w = "", t = ""] = cell.split("|");
    return `${esc(w)} <span class="dim">${esc(t)}</span>`;
  };
  // One row per (workload, topology) cell: each engine's figure and its ratio to vsgi's.
  const metricRows = (metric: "nsPerWrite" | "visitsPerWrite"): string[][] =>
    cells.map((c) => {
      const v = get(c, "vsgi")?.[metric];
      return [
        label(c),
        ...engines.map((e) => {
          const r = get(c, e);
          if (r === undefined) return "";
          const x = r[metric];
          if (x === null) return `<span class="dim" title="${esc(r.unsupported ?? "unsupported")}">n/a</span>`;
          const ratio = v && e !== "vsgi" ? ` <span class="ratio">${fmt(x / v)}×</span>` : "";
          return `<span class="num">${fmt(x)}</span>${ratio}`;
        }),
      ];
    });
  // A peer's engine past the VM size its peer can create is a projection, and says so.
  const heading = (e: string): string => {
    const label = projectionLabel(peerRulesOfEngine(e), at);
    return label === undefined ? esc(e) : `${esc(e)}<br><span class="dim">${esc(label)}</span>`;
  };
  const nsRows = metricRows("nsPerWrite");
  const visitRows = metricRows("visitsPerWrite");
  // One sentence per engine: geometric mean, over the workloads measured at this size, of its time ÷ vsgi's.
  const sentences = engines
    .filter((e) => e !== "vsgi" && e !== "reference")
    .map((e) => {
      const ratios = cells.flatMap((c) => {
        const a = get(c, e)?.nsPerWrite;
        const b = get(c, "vsgi")?.nsPerWrite;
        return a && b ? [a / b] : [];
      });
      if (ratios.length === 0) return `<li><strong>${esc(e)}</strong>: not measured at ${String(at)} vCPUs (unsupported layout).</li>`;
      const visitRatios = cells.flatMap((c) => {
        const a = get(c, e)?.visitsPerWrite;
        const b = get(c, "vsgi")?.visitsPerWrite;
        return a && b ? [a / b] : [];
      });
      const lo = Math.min(...ratios);
      const hi = Math.max(...ratios);
      const visits = visitRatios.length > 0 ? ` and examines <strong>${fmt(geomean(visitRatios))}×</strong> as many vCPUs` : "";
      const label = projectionLabel(peerRulesOfEngine(e), at);
      return `<li><strong>${esc(e)}</strong>${label === undefined ? "" : ` (${esc(label)})`} takes <strong>${fmt(geomean(ratios))}×</strong> vsgi's time per write${visits} (geometric means over ${String(ratios.length)} workload${ratios.length === 1 ? "" : "s"}; time ${fmt(lo)}× to ${fmt(hi)}×).</li>`;
    });
  return `<section id="headline"><h2>Headline: vsgi vs each engine at ${String(at)} vCPUs</h2>
<p class="machine">Measured on ${esc(machineText(bench.machine))}, ${esc(bench.machine.date)}.</p>
${busyNote(bench)}
<ul class="headline">${sentences.join("")}</ul>
${table(`ns per write at ${String(at)} vCPUs (median; <span class="ratio">×</span> = ÷ vsgi)`, ["workload", ...engines.map(heading)], nsRows, "matrix")}
${table(`Visits per write at ${String(at)} vCPUs (vCPU records or table slots examined; <span class="ratio">×</span> = ÷ vsgi)`, ["workload", ...engines.map(heading)], visitRows, "matrix")}
${goalsTable(bench)}
</section>`;
}
