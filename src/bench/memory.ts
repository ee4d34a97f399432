/**
 * Memory of an engine and of the SGI state, per vCPU. The state's size is exact (its one
 * buffer, `sgiStateLayout`). An engine's size is measured: the ArrayBuffer bytes it retains
 * after `prepare()`, with garbage collected before and after (temporaries of `prepare` do not
 * count). Engines keep their tables in typed arrays; the few hundred
 * bytes of object headers and typed arrays of ≤ 64 bytes (kept on the JS heap) are not counted,
 * because heap deltas are noisier than the tables themselves. The topology (shared by every
 * engine) is reported apart.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createEngine, type EngineName } from "../engines/index.ts";
import { sgiStateLayout } from "../state/layout.ts";
import type { Topology } from "../topology/topology.ts";

/** Memory of one engine on one topology. */
export interface MemoryResult {
  readonly engine: EngineName;
  readonly topology: string;
  readonly vcpus: number;
  /** Engine tables retained after prepare (measured; 0 when it only reads the topology). */
  readonly engineBytes: number;
  /** Bytes the engine itself reports (vsgi's `bytes`), when it reports any. */
  readonly declaredEngineBytes?: number;
  /** The SGI state buffer (pending/active/enabled/group bitmaps, priorities, GICv2 sources). */
  readonly stateBytes: number;
  /** The packed affinity array every engine reads (4 bytes per vCPU). */
  readonly topologyBytes: number;
  /** (engine + state) / vCPUs. */
  readonly bytesPerVcpu: number;
}

let gcFn: (() => void) | undefined;

function gc(): void {
  if (gcFn === undefined) {
    setFlagsFromString("--expose-gc");
    gcFn = runInNewContext("gc") as () => void;
  }
  gcFn();
}

/**
 * ArrayBuffer bytes one engine retains after `prepare`. The caller keeps every measured engine
 * alive in `keep` until all are measured: an engine dropped earlier could be collected inside a
 * later window and cancel out that engine's allocation.
 */
function retained(name: EngineName, topology: Topology, keep: unknown[]): { bytes: number; declared: number | undefined } {
  gc();
  const m0 = process.memoryUsage().arrayBuffers;
  const engine = createEngine(name);
  engine.prepare(topology);
  keep.push(engine);
  gc();
  const bytes = Math.max(0, process.memoryUsage().arrayBuffers - m0);
  const b = (engine as { bytes?: unknown }).bytes;
  return { bytes, declared: typeof b === "number" ? b : undefined };
}

/** Measures every named engine on `topology`. */
export function measureMemory(topology: Topology, engines: readonly EngineName[]): MemoryResult[] {
  const stateBytes = sgiStateLayout(topology.count).bytes;
  const keep: unknown[] = [];
  return engines.map((engine) => {
    const { bytes, declared } = retained(engine, topology, keep);
    return {
      engine,
      topology: topology.name,
      vcpus: topology.count,
      engineBytes: bytes,
      ...(declared !== undefined ? { declaredEngineBytes: declared } : {}),
      stateBytes,
      topologyBytes: topology.affinity.byteLength,
      bytesPerVcpu: (bytes + stateBytes) / topology.count,
    };
  });
}
