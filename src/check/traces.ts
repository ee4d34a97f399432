/**
 * The bundled real traces on a plugin engine: every write of fixtures/*.log.gz and
 * fixtures/shared/*.log.gz (present in a checkout; the npm package ships none, and the result
 * then says so) compared with the reference model.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { packageRoot } from "../util/package-root.ts";
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { defaultTopology, readTrace } from "../trace/index.ts";
import type { PluginEngine } from "./contract.ts";
import { Differential, type Disagreement } from "./differential.ts";

/** One trace's outcome. */
export type TraceResult =
  | { readonly trace: string; readonly topology: string; readonly writes: number; readonly mismatches: number; readonly first?: Disagreement & { readonly line: number } }
  | { readonly trace: string; readonly topology: string; readonly unsupported: string };

/** The bundled traces' outcome; `searched` names the folders looked in. */
export interface TracesResult {
  readonly searched: readonly string[];
  readonly traces: readonly TraceResult[];
}

/** The bundled real traces, relative to the package root, in a stable order. */
export function bundledTraces(root = packageRoot()): { root: string; searched: string[]; files: string[] } {
  const searched = [join(root, "fixtures"), join(root, "fixtures", "shared")];
  const files: string[] = [];
  for (const dir of searched) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".log.gz")) files.push(join(dir, f));
  }
  return { root, searched, files };
}

/** A QEMU capture names its VM size (`qemu-virt-20vcpu-…`); vCPUs that never send are then still counted. */
async function traceTopology(path: string): Promise<Topology> {
  const m = /qemu-virt-(\d+)v?cpu/.exec(path);
  return m?.[1] !== undefined ? presetTopology(`qemu:${m[1]}`) : defaultTopology(path);
}

/** Replays every bundled trace through `plugin` beside the reference. */
export async function runTraces(plugin: PluginEngine, root = packageRoot()): Promise<TracesResult> {
  const { searched, files } = bundledTraces(root);
  const traces: TraceResult[] = [];
  for (const path of files) {
    const trace = relative(root, path);
    const topology = await traceTopology(path);
    const engine = plugin.create();
    const support = engine.prepare(topology);
    if (!support.supported) {
      traces.push({ trace, topology: topology.name, unsupported: support.reason });
      continue;
    }
    const diff = new Differential(engine, topology);
    let writes = 0;
    let mismatches = 0;
    let first: (Disagreement & { line: number }) | undefined;
    const reader = readTrace(path, { topology });
    for await (const e of reader) {
      writes++;
      const d = diff.compare(e.hi, e.lo, e.sender, e.register);
      if (d === undefined) continue;
      mismatches++;
      first ??= { ...d, line: e.line };
    }
    if (writes === 0 && reader.gicv2Lines > 0) {
      // The plugin ABI dispatches ICC_SGI1R_EL1 writes; GICD_SGIR traces replay through VirtualGic's GICv2 path (vsgi replay).
      traces.push({ trace, topology: topology.name, unsupported: "a GICv2 trace (GICD_SGIR writes); plugin engines dispatch ICC_SGI1R_EL1 only — `vsgi replay` checks it on VirtualGic's GICv2 path" });
      continue;
    }
    traces.push(first === undefined ? { trace, topology: topology.name, writes, mismatches } : { trace, topology: topology.name, writes, mismatches, first });
  }
  return { searched: searched.map((s) => relative(root, s) || "."), traces };
}
