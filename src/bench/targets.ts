/**
 * The true targets of every write of a batch, resolved once outside the timed loop: the floor
 * runners read them instead of looking anything up. Resolution follows the architecture's rule
 * (IHI 0069 §12.2): IRM = 1 reaches all but the writer; otherwise TargetList bit n names Aff0 =
 * RS*16 + n in cluster Aff3.Aff2.Aff1 (RS counting only with RSS), found by exact affinity.
 */
import { decodeSgiInto, newSgiWrite } from "../arch/sgi-register.ts";
import type { Topology } from "../topology/topology.ts";
import type { WriteBatch } from "./batch.ts";

/** Targets of each write in compressed-row form. */
export interface BatchTargets {
  /** Write i's targets are `list[start[i] .. start[i+1])`; an IRM write has none listed. */
  readonly start: Uint32Array;
  readonly list: Uint32Array;
  /** 1 where the write is IRM = 1 (targets: every vCPU but the sender, not listed). */
  readonly irm: Uint8Array;
  /** Targets summed over the batch, IRM writes counted as n − 1. */
  readonly total: number;
}

/** Resolves the targets of every write of `batch` on `topology`. */
export function resolveTargets(topology: Topology, batch: WriteBatch): BatchTargets {
  const w = newSgiWrite();
  const start = new Uint32Array(batch.count + 1);
  const irm = new Uint8Array(batch.count);
  const list: number[] = [];
  let total = 0;
  for (let i = 0; i < batch.count; i++) {
    start[i] = list.length;
    decodeSgiInto(w, batch.hi[i]!, batch.lo[i]!, batch.register[i] as 0 | 1 | 2);
    if (w.irm === 1) {
      irm[i] = 1;
      total += topology.count - 1;
      continue;
    }
    const cluster = ((w.aff3 << 24) | (w.aff2 << 16) | (w.aff1 << 8)) >>> 0;
    const rsBase = topology.rss ? w.rs * 16 : 0;
    for (let bit = 0; bit < 16; bit++) {
      if (((w.targetList >>> bit) & 1) === 0) continue;
      const v = topology.vcpuOf((cluster | (rsBase + bit)) >>> 0);
      if (v >= 0) list.push(v);
    }
    total += list.length - start[i]!;
  }
  start[batch.count] = list.length;
  return { start, list: Uint32Array.from(list), irm, total };
}
