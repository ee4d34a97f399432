/** The one-screen summary `vsgi lab` prints on stdout. */
import { fmt } from "../report/charts.ts";
import { HEADLINE_VCPUS, machineText, mean } from "../report/html.ts";
import { type BenchResult, isMissing, type LabResults, type TraceReplay } from "../report/types.ts";
import type { LabOutcome } from "./run.ts";

const ENGINE_ORDER = ["vsgi", "kvm-linear", "rfc-affskip", "kvm-mpidr-index", "qemu-scan", "xen", "reference"];

function benchLines(results: LabResults): string[] {
  if (isMissing(results.bench)) return [`benchmark: missing — ${results.bench.missing}`];
  const rows = results.bench.results;
  const sizes = [...new Set(rows.map((r) => r.vcpus))].sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : sizes[sizes.length - 1];
  if (at === undefined) return ["benchmark: no results"];
  const here = rows.filter((r) => r.vcpus === at);
  const engines = ENGINE_ORDER.filter((e) => here.some((r) => r.engine === e));
  const cells = [...new Set(here.map((r) => `${r.workload}|${r.topology}`))];
  const get = (c: string, e: string): BenchResult | undefined => here.find((r) => `${r.workload}|${r.topology}` === c && r.engine === e);
  const w = Math.max(8, ...cells.map((c) => c.replace("|", " ").length));
  const col = 16;
  const out = [`At ${String(at)} vCPUs — ns per write (visits per write):`, `  ${"workload".padEnd(w)}${engines.map((e) => e.padStart(col)).join("")}`];
  for (const c of cells) {
    const line = engines.map((e) => {
      const r = get(c, e);
      if (r === undefined) return "".padStart(col);
      if (r.nsPerWrite === null) return "n/a".padStart(col);
      return `${fmt(r.nsPerWrite)} (${r.visitsPerWrite === null ? "?" : fmt(r.visitsPerWrite)})`.padStart(col);
    });
    out.push(`  ${c.replace("|", " ").padEnd(w)}${line.join("")}`);
  }
  return out;
}

function traceLines(results: LabResults): string[] {
  if (isMissing(results.traces)) return [`traces: missing — ${results.traces.missing}`];
  const out = ["Real traces:"];
  for (const r of results.traces.replays) {
    if ("error" in r) {
      out.push(`  ${r.trace}: FAILED — ${r.error}`);
      continue;
    }
    const t = r as TraceReplay;
    const bad = Object.entries(t.engines).flatMap(([e, x]) => ("mismatches" in x && typeof x.mismatches === "number" && x.mismatches > 0 ? [`${e} ${String(x.mismatches)}`] : []));
    const oracle = t.oracle.checked > 0 ? `, vs QEMU ${String(t.oracle.mismatches)} mismatches of ${fmt(t.oracle.checked)}` : "";
    out.push(
      `  ${t.trace}: ${fmt(t.writes)} writes, ${fmt(t.stats.unicastShare * 100)}% unicast, ${fmt(mean(t.stats.targetsPerWrite))} targets/write${oracle}; engine mismatches: ${bad.length === 0 ? "none" : `FLAGGED ${bad.join(", ")}`}`,
    );
  }
  return out;
}

/** The summary text (ends with a newline). */
export function labSummary(outcome: LabOutcome): string {
  const r = outcome.results;
  const lines = [
    `vsgi lab — ${machineText(r.machine)}, ${r.machine.date}${r.options.quick ? " (quick)" : ""}`,
    ...benchLines(r),
    ...traceLines(r),
    isMissing(r.model) ? `cost model: missing — ${r.model.missing}` : "cost model: included",
    `report: ${outcome.htmlPath} (${String(outcome.htmlBytes)} bytes), raw figures: ${outcome.jsonPath}`,
    `total time: ${fmt(r.durationMs / 1000)} s`,
  ];
  return `${lines.join("\n")}\n`;
}
