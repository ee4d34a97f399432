/** The readable form of a `BenchReport`: one table per topology, then native, memory, goals. */
import { pct } from "../util/percent.ts";
import type { BenchReport } from "./types.ts";

const num = (x: number | null, digits = 1): string => (x === null ? "—" : x >= 1000 ? x.toFixed(0) : x >= 100 ? x.toFixed(0) : x.toFixed(digits));
const times = (x: number | null): string => (x === null ? "—" : `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);

function table(rows: readonly (readonly string[])[], rightFrom = 1): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < rightFrom ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
}

/** Formats a report as plain text tables. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `vsgi bench — node ${m.node}, ${String(m.cpus)} × ${m.cpuModel}, load ${m.loadavg.join(" ")}, ${m.date}`,
    `${String(r.settings.rounds)} interleaved rounds per cell, ${String(r.settings.writes)} writes per batch, ~${String(r.settings.passMs)} ms per pass, seed ${String(r.settings.seed)}; ns/write = median of the process's CPU time per pass (spread = (max − min) / median)`,
    "vsLinear = kvm-linear ns / engine ns; vsMpidr = kvm-mpidr-index ns / engine ns; vsFloor = engine ns / floor ns (floor: decode + one raw pending bit per target)",
    "",
  );
  for (const topology of r.settings.topologies) {
    const rows = r.results.filter((x) => x.topology === topology);
    if (rows.length === 0) continue;
    out.push(`── ${topology} (${String(rows[0]!.vcpus)} vCPUs) ──`);
    const lines: string[][] = [["workload", "engine", "targets/w", "visits/w", "ns/write", "spread", "vsLinear", "vsMpidr", "vsFloor"]];
    for (const workload of r.settings.workloads) {
      const fl = (k: string): number | null => r.floors.find((f) => f.kind === k && f.topology === topology && f.workload === workload)?.nsPerWrite ?? null;
      const cell = rows.filter((x) => x.workload === workload);
      if (cell.length === 0) continue;
      lines.push([workload, "floor", num(cell[0]!.targetsPerWrite), "", num(fl("floor"), 2), "", "", "", ""]);
      lines.push(["", "sink-floor", "", "", num(fl("sink-floor"), 2), "", "", "", ""]);
      lines.push(["", "bigint-floor", "", "", num(fl("bigint-floor"), 2), "", "", "", ""]);
      for (const x of cell) {
        lines.push(
          x.supported
            ? ["", x.engine, "", num(x.visitsPerWrite), num(x.nsPerWrite, 2), pct(x.spread, 0, "—"), times(x.vsLinear), times(x.vsMpidrIndex), times(x.vsFloor)]
            : ["", x.engine, "", "unsupported", "", "", "", "", ""],
        );
      }
    }
    out.push(...table(lines, 2), "");
    const unsupported = new Map<string, string>();
    const notes = new Map<string, string>();
    for (const x of rows) {
      if (x.unsupported !== undefined) unsupported.set(x.engine, x.unsupported);
      if (x.note !== undefined) notes.set(x.engine, x.note);
    }
    for (const [e, why] of unsupported) out.push(`  ${e}: unsupported — ${why}`);
    for (const [e, note] of notes) out.push(`  ${e}: ${note}`);
    if (unsupported.size + notes.size > 0) out.push("");
  }

  for (const x of r.skipped) out.push(`skipped ${x.topology} ${x.workload}: ${x.reason}`);
  if (r.skipped.length > 0) out.push("");
  out.push("── native anchor (C++, same writes) ──");
  if (!r.nativeStatus.ran) {
    out.push(`  skipped: ${r.nativeStatus.reason ?? "unknown"}`, "");
  } else {
    out.push(`  ${r.nativeStatus.compiler ?? ""} ${r.nativeStatus.flags ?? ""}`);
    const lines: string[][] = [["topology", "workload", "algorithm", "native ns", "JS ns", "JS/native", "visits match"]];
    for (const x of r.native) {
      lines.push([x.topology, x.workload, x.algorithm, num(x.nsPerWrite, 2), num(x.jsNsPerWrite, 2), times(x.jsOverNative), x.visitsMatchJs === null ? "" : x.visitsMatchJs ? "yes" : "NO"]);
    }
    out.push(...table(lines, 3), "");
  }

  if (r.memory.length > 0) {
    out.push("── memory (engine tables + SGI state) ──");
    const lines: string[][] = [["topology", "engine", "engine bytes", "state bytes", "bytes/vCPU"]];
    for (const x of r.memory) lines.push([x.topology, x.engine, String(x.engineBytes), String(x.stateBytes), num(x.bytesPerVcpu)]);
    out.push(...table(lines, 2), "  (topology: 4 bytes/vCPU of packed affinities, shared by every engine, not included)", "");
  }

  out.push("── goals ──");
  for (const g of r.goals) out.push(`  [${g.met === null ? "n/a " : g.met ? "met " : "MISS"}] ${g.goal}: ${g.measured}`);
  out.push("", `(${r.settings.seconds.toFixed(1)} s)`);
  return `${out.join("\n")}\n`;
}
