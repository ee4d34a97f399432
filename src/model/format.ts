/** The readable (text) form of a model report, as `vsgi model` prints it. */
import { pct } from "../util/percent.ts";
import type { ModelReport } from "./report.ts";

/** The readable form of a report. */
export function formatModel(r: ModelReport): string {
  const m = r.machine;
  const lines: string[] = [r.question, "", `machine ${m.name}: ${m.description}`, `  ${r.formula}`];
  for (const [label, term] of [
    ["trap/exit", m.trapExit],
    ["decode", m.decode],
    ["per visit", m.perVisit],
    ["pending update", m.pendingUpdate],
    ["kick + entry", m.kickAndEntry],
    ["direct vSGI", m.directSgi],
  ] as const) {
    lines.push(`  ${label.padEnd(15)} ${term.ns.toFixed(1).padStart(7)} ns  ${term.how} [${term.sources.join(", ")}]`);
  }
  lines.push(`  GICv4.1 resident share ${String(r.resident)}; threshold ${pct(r.threshold, 1, "—")}; ${r.layout} layout; ${String(r.pageSize / 1024)} KiB host pages for the MPIDR index; ${String(r.writesPerCell)} seeded writes per cell`);
  const sizes = [...new Set(r.rows.map((x) => x.vcpus))].sort((a, b) => a - b);
  const engines = [...new Set(r.rows.map((x) => x.engine))];
  for (const delivery of [...new Set(r.rows.map((x) => x.delivery))]) {
    for (const workload of [...new Set(r.rows.map((x) => x.workload))]) {
      lines.push("", `lookup share of a vSGI — ${workload}, ${delivery}`);
      lines.push(`  ${"engine".padEnd(16)}${sizes.map((n) => String(n).padStart(7)).join("")}  break-even`);
      for (const e of engines) {
        const cells = sizes.map((n) => {
          const row = r.rows.find((x) => x.workload === workload && x.delivery === delivery && x.engine === e && x.vcpus === n);
          // "*": past the engine's peer's limit, a projection (see the note under the table).
          return (row === undefined ? "" : row.unsupported !== undefined ? "unsup" : `${pct(row.lookupShare, 1, "—")}${row.projection !== undefined ? "*" : ""}`).padStart(7);
        });
        const be = r.breakEven.find((b) => b.workload === workload && b.delivery === delivery && b.engine === e);
        const beProjection = be?.vcpus === null || be === undefined ? undefined : r.rows.find((x) => x.engine === e && x.vcpus === be.vcpus)?.projection;
        lines.push(`  ${e.padEnd(16)}${cells.join("")}  ${be?.vcpus === null || be === undefined ? "never" : `${String(be.vcpus)} vCPUs${beProjection !== undefined ? ` (${beProjection})` : ""}`}`);
      }
    }
  }
  if (r.rows.some((x) => x.projection !== undefined && x.unsupported === undefined)) lines.push("", "* beyond the peer's limit (KVM 512, QEMU virt 512, Xen 128 vCPUs): a projection of the algorithm, not a VM the peer can create");
  if (r.traces.length > 0) {
    lines.push("", "real traces fitted:");
    for (const t of r.traces) lines.push(`  ${t.trace}: ${String(t.vcpus)} vCPUs, ${String(t.writes)} writes, unicast ${pct(t.stats.unicastShare, 1, "—")}, INTIDs ${JSON.stringify(t.stats.byIntid)}, IRM ${String(t.stats.irm)}`);
  }
  lines.push("", "answer:", `  ${r.answer}`, "", "sources:");
  for (const c of r.citations) lines.push(`  [${c.id}] ${c.text}`);
  return `${lines.join("\n")}\n`;
}
