/**
 * What `vsgi bench --engine …` adds to the bench: C engines timed in the native plugin bench
 * beside C++ kvm-linear, kvm-mpidr-index and vsgi (same ABI, same flags, one process), and the
 * complexity rows of every plugin beside those three built-ins. TS/JS plugins are timed by the
 * bench itself, in its cell workers, beside every built-in.
 */
import { createEngine } from "../engines/registry.ts";
import type { Topology } from "../topology/topology.ts";
import { type ComplexityRow, complexityRows, formatComplexity } from "./complexity.ts";
import type { PluginEngine } from "./contract.ts";
import { buildPluginBench, type PluginBenchRun, runPluginBench } from "./native-bench.ts";
import { VsgiError } from "../errors.ts";

/** The built-ins every plugin is compared with. */
export const COMPARED_BUILT_INS = ["kvm-linear", "kvm-mpidr-index", "vsgi"] as const;

/** The plugin part of a bench report. */
export interface PluginBenchPart {
  readonly engines: readonly { readonly name: string; readonly file: string; readonly kind: string; readonly timed: "js cells" | "native plugin bench" }[];
  readonly native: { readonly ran: boolean; readonly reason?: string; readonly flags?: string; readonly compilers?: string; readonly runs: readonly PluginBenchRun[] };
  readonly complexity: readonly ComplexityRow[];
}

/** Runs the native plugin bench (when there are C engines) and the complexity rows. */
export async function runPluginBenchPart(
  plugins: readonly PluginEngine[],
  topologies: readonly Topology[],
  o: { writes: number; rounds: number; passMs: number; seed: number; workloads?: readonly string[] },
): Promise<PluginBenchPart> {
  const c = plugins.filter((p) => p.kind === "c");
  let native: PluginBenchPart["native"] = { ran: false, reason: "no C engine given", runs: [] };
  if (c.length > 0) {
    try {
      const bin = buildPluginBench(c);
      const runs: PluginBenchRun[] = [];
      for (const t of topologies) runs.push(await runPluginBench(bin, t, o));
      native = { ran: true, flags: bin.flags, compilers: bin.compilers, runs };
    } catch (e) {
      if (!(e instanceof VsgiError)) throw e;
      native = { ran: false, reason: e.message, runs: [] };
    }
  }
  const complexity = [...COMPARED_BUILT_INS.flatMap((n) => complexityRows(() => createEngine(n))), ...plugins.flatMap((p) => complexityRows(() => p.create()))];
  return {
    engines: plugins.map((p) => ({ name: p.name, file: p.file, kind: p.kind, timed: p.kind === "c" ? "native plugin bench" : "js cells" })),
    native,
    complexity,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : "—";
}

/** The plugin part as text. */
export function formatPluginBench(p: PluginBenchPart): string {
  const lines = ["", "plugin engines:"];
  for (const e of p.engines) lines.push(`  ${e.name} (${e.file}, ${e.kind.toUpperCase()}): timed in the ${e.timed}`);
  if (!p.native.ran) {
    if (p.engines.some((e) => e.kind === "c")) lines.push(`native plugin bench skipped: ${p.native.reason ?? ""}`);
  } else {
    lines.push(
      "",
      `native plugin bench: C engines beside C++ kvm-linear, kvm-mpidr-index and vsgi over the same ABI, one process, flags ${p.native.flags ?? ""} (${p.native.compilers ?? ""})`,
      "ns per write = dispatch + marking the targets pending (median of rounds, min–max); × kvm-linear = kvm-linear's ns / this engine's (higher is faster); × floor = ns / the floor's (marking the reference targets, no lookup)",
    );
    for (const run of p.native.runs) {
      lines.push(`  ${run.topology}`);
      for (const s of run.support) if (!s.supported) lines.push(`    ${s.engine}: unsupported: ${s.reason}`);
      const workloads = [...new Set(run.samples.map((s) => s.workload))];
      for (const w of workloads) {
        const rows = run.samples.filter((s) => s.workload === w);
        const lin = median(rows.find((s) => s.engine === "kvm-linear")?.ns ?? []);
        const floor = median(rows.find((s) => s.engine === "floor")?.ns ?? []);
        lines.push(`    ${w}`);
        for (const s of rows) {
          const m = median(s.ns);
          const spread = s.ns.length > 0 ? `${fmt(Math.min(...s.ns))}–${fmt(Math.max(...s.ns))}` : "—";
          lines.push(
            `      ${s.engine.padEnd(18)} visits/write ${fmt(s.visits / s.writes).padStart(7)}  ns/write ${fmt(m).padStart(7)} (${spread.padStart(13)})  × kvm-linear ${fmt(lin / m).padStart(6)}  × floor ${fmt(m / floor).padStart(6)}${s.mismatches > 0 ? `  WRONG TARGETS on ${String(s.mismatches)} of ${String(s.writes)} writes` : ""}`,
          );
        }
      }
    }
  }
  lines.push("", formatComplexity(p.complexity));
  return `${lines.join("\n")}\n`;
}
