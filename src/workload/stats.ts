/**
 * The statistics of an SGI write stream that a workload profile is fitted to and checked
 * against. The keys are those `vsgi replay --json` reports under `stats` (issue 5), so a
 * profile can be fitted from any replayed trace and a generated stream compared with it.
 */
import { decodeSgiInto, newSgiWrite, SgiRegister } from "../arch/sgi-register.ts";
import { popcount32 } from "../state/bits.ts";
import type { Topology } from "../topology/topology.ts";

/** A histogram: decimal value → count. */
export type Histogram = Readonly<Record<string, number>>;

/**
 * Stream statistics. Only `writes`, `targetsPerWrite` and `byIntid` are needed to fit a
 * profile; the others are compared when present.
 */
export interface MixStats {
  /** SGI register writes. */
  readonly writes: number;
  /** Share (0..1) of writes that reach exactly one vCPU. */
  readonly unicastShare?: number;
  /** Writes by the number of vCPUs each addresses (IRM = 1 counts n − 1). */
  readonly targetsPerWrite: Histogram;
  /** Multicast IPIs (cpumasks of ≥ 2 CPUs) by the number of clusters (= writes) they took. */
  readonly clustersPerMulticast?: Histogram;
  /** Writes by INTID. */
  readonly byIntid: Histogram;
  /** Writes with IRM = 1. */
  readonly irm: number;
}

/** Encoded writes with their senders, as uint32 halves (the shape benchmarks consume). */
export interface WriteStream {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly senders: Uint32Array;
}

function bump(h: Record<string, number>, key: number, by = 1): void {
  const k = String(key);
  h[k] = (h[k] ?? 0) + by;
}

/**
 * Statistics of a write stream on `topology` (independent of any engine: targets come from the
 * register fields, IRM = 1 addressing every vCPU but the writer).
 */
export function streamStats(topology: Topology, stream: WriteStream, clustersPerMulticast?: Histogram): MixStats {
  const w = newSgiWrite();
  const targetsPerWrite: Record<string, number> = {};
  const byIntid: Record<string, number> = {};
  let irm = 0;
  let unicast = 0;
  const n = stream.hi.length;
  for (let i = 0; i < n; i++) {
    decodeSgiInto(w, stream.hi[i]!, stream.lo[i]!, SgiRegister.SGI1R);
    const k = w.irm === 1 ? topology.count - 1 : popcount32(w.targetList);
    if (w.irm === 1) irm++;
    if (k === 1) unicast++;
    bump(targetsPerWrite, k);
    bump(byIntid, w.intid);
  }
  return {
    writes: n,
    unicastShare: n === 0 ? 0 : unicast / n,
    targetsPerWrite,
    ...(clustersPerMulticast !== undefined ? { clustersPerMulticast } : {}),
    byIntid,
    irm,
  };
}

/** A histogram scaled to shares that sum to 1 (empty stays empty). */
export function shares(h: Histogram): Record<string, number> {
  let total = 0;
  for (const v of Object.values(h)) total += v;
  const out: Record<string, number> = {};
  if (total === 0) return out;
  for (const [k, v] of Object.entries(h)) out[k] = v / total;
  return out;
}

/** The largest absolute difference between the shares of two histograms over all keys. */
export function maxShareDifference(a: Histogram, b: Histogram): number {
  const sa = shares(a);
  const sb = shares(b);
  let d = 0;
  for (const k of new Set([...Object.keys(sa), ...Object.keys(sb)])) d = Math.max(d, Math.abs((sa[k] ?? 0) - (sb[k] ?? 0)));
  return d;
}
