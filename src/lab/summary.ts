/** The one-screen summary `vsgi lab` prints on stdout. */
import { orderEngines } from "../engines/registry.ts";
import { fmt, machineText, mean, pct } from "../report/format.ts";
import { HEADLINE_VCPUS } from "../report/shape.ts";
import { isMissing, type LabResults, type TraceReplay } from "../report/types.ts";
import type { LabOutcome } from "./run.ts";


/** Short column labels for the built-in workloads (the summary must fit an 80-column screen). */
const SHORT: Readonly<Record<string, string>> = {
  "unicast-random": "uni-rand",
  "unicast-last-cluster": "uni-last",
  "multicast-cluster": "mc-clust",
  "multicast-linux": "mc-linux",
  "broadcast-irm": "bcast-irm",
  mix: "mix",
};

function benchLines(results: LabResults): string[] {
  if (isMissing(results.bench)) return [`benchmark: missing — ${results.bench.missing}`];
  const rows = results.bench.results;
  const sizes = [...new Set(rows.map((r) => r.vcpus))].sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : sizes[sizes.length - 1];
  if (at === undefined) return ["benchmark: no results"];
  const here = rows.filter((r) => r.vcpus === at);
  // vsgi first; the reference model is the specification, not a contender: the summary leaves it out.
  const present = orderEngines(here.map((r) => r.engine)).filter((e) => e !== "reference");
  const engines = present.includes("vsgi") ? ["vsgi", ...present.filter((e) => e !== "vsgi")] : present;
  const workloads = [...new Set(here.map((r) => r.workload))];
  const col = 10;
  const out = [`Median ns per write at ${String(at)} vCPUs (n/a: layout unsupported):`];
  for (const layout of [...new Set(here.map((r) => r.layout))]) {
    out.push(`  ${`${layout} layout`.padEnd(16)}${workloads.map((w) => (SHORT[w] ?? w.slice(0, col - 1)).padStart(col)).join("")}`);
    for (const e of engines) {
      const cells = workloads.map((w) => {
        const r = here.find((x) => x.engine === e && x.workload === w && x.layout === layout);
        return (r === undefined ? "" : r.nsPerWrite === null ? "n/a" : fmt(r.nsPerWrite)).padStart(col);
      });
      out.push(`    ${e.padEnd(14)}${cells.join("")}`);
    }
  }
  return out;
}

function traceLines(results: LabResults): string[] {
  if (isMissing(results.traces)) return [`traces: missing — ${results.traces.missing}`];
  const W = 42;
  const name = (t: string): string => {
    const n = t.replace(/\.log(\.gz)?$/, "");
    return n.length > W ? `${n.slice(0, W - 1)}…` : n.padEnd(W);
  };
  // One line per trace; "mismatches" counts writes any engine or QEMU's record disagrees on.
  const out = [`${"Real traces".padEnd(W + 2)}${"writes".padStart(7)}${"unicast".padStart(8)}${"tgt/w".padStart(6)} mismatches`];
  for (const r of results.traces.replays) {
    if ("error" in r) {
      out.push(`  ${name(r.trace)} FAILED: ${r.error}`);
      continue;
    }
    const t = r as TraceReplay;
    const bad = Object.entries(t.engines).flatMap(([e, x]) => ("mismatches" in x && x.mismatches > 0 ? [`${e} ${String(x.mismatches)}`] : []));
    if (t.oracle.mismatches > 0) bad.unshift(`QEMU ${String(t.oracle.mismatches)}`);
    const verdict = bad.length > 0 ? `FLAGGED ${bad.join(", ")}` : t.oracle.checked > 0 ? "0" : "0 (no QEMU record)";
    out.push(`  ${name(t.trace)}${fmt(t.writes).padStart(7)}${pct(t.stats.unicastShare).padStart(8)}${fmt(mean(t.stats.targetsPerWrite)).padStart(6)} ${verdict}`);
  }
  return out;
}

function modelLines(results: LabResults): string[] {
  const model = results.model;
  if (isMissing(model)) return [`cost model: missing — ${model.missing}`];
  const share = (engine: string): string => {
    const row = model.rows.find((x) => x.workload === "last-vcpu" && x.delivery === "list-registers" && x.engine === engine && x.vcpus === HEADLINE_VCPUS);
    return row?.lookupShare === null || row === undefined ? "n/a" : `${fmt(row.lookupShare * 100)}%`;
  };
  return [
    `Cost model (${model.machine.name}): lookup share of a vSGI, last-vCPU write, ${String(HEADLINE_VCPUS)} vCPUs:`,
    `  kvm-linear ${share("kvm-linear")}, kvm-mpidr-index ${share("kvm-mpidr-index")}, vsgi ${share("vsgi")} (list-register delivery)`,
  ];
}

/** The summary text (ends with a newline). */
export function labSummary(outcome: LabOutcome): string {
  const r = outcome.results;
  const lines = [
    `vsgi lab — ${machineText(r.machine)}, ${r.machine.date}${r.options.quick ? " (quick)" : ""}`,
    ...benchLines(r),
    ...traceLines(r),
    ...modelLines(r),
    `report: ${outcome.htmlPath} (${String(outcome.htmlBytes)} bytes), raw figures: ${outcome.jsonPath}`,
    `total time: ${fmt(r.durationMs / 1000)} s`,
  ];
  return `${lines.join("\n")}\n`;
}
