/**
 * What a trace says about a guest's SGI traffic: how many targets a write has, how often it
 * multicasts and across how many clusters, which INTIDs, and IRM use. These keys are read by the
 * lab and by workload fitting: keep them stable.
 */
import type { Topology } from "../topology/topology.ts";
import type { TraceEvent } from "./event.ts";

/** The `stats` object of a replay report. */
export interface TraceStats {
  /** Writes with exactly one target, over all writes (0 when there are none). */
  readonly unicastShare: number;
  /** Number of targets (reference deliveries) → number of writes. */
  readonly targetsPerWrite: Record<string, number>;
  /**
   * Number of clusters → number of multicasts. A multicast is one guest IPI to more than one
   * target: an ftrace `ipi_raise` group, or (QEMU, JSONL without groups) a run of writes by one
   * sender with one INTID to strictly ascending clusters, each within {@link SPLIT_GAP_US} of the
   * previous, the way Linux splits one cpumask (a heuristic: see SPLIT_GAP_US).
   */
  readonly clustersPerMulticast: Record<string, number>;
  /** INTID → number of writes. */
  readonly byIntid: Record<string, number>;
  /** Writes with IRM = 1 (all but self). */
  readonly irm: number;
  /** Writes that reach a cluster other than the sender's, over all writes. */
  readonly crossClusterShare: number;
  /** Guest IPIs (write groups as above). */
  readonly ipis: number;
}

const NONE = -1;

/**
 * Largest gap (µs of trace time) between two writes of one Linux cpumask split. Calibrated on the
 * 20-vCPU QEMU TCG capture, whose guest ipi_raise dump gives the truth: the writes of 41 of its 43
 * cross-cluster cpumasks are ≤ 200 µs apart in QEMU's log (median about 50 µs: QEMU delivers the
 * first write before the guest makes the second), while one vCPU's separate IPIs are mostly
 * ≥ 1 ms apart. Over that capture's traced window this finds 50 two-cluster multicasts where the
 * guest made 43 (a 50 µs cut finds about half): read `clustersPerMulticast` of QEMU logs as an
 * estimate, and of ftrace traces as exact.
 */
export const SPLIT_GAP_US = 200;

/** Accumulates {@link TraceStats} over the writes of one trace (memory bounded by vCPU count). */
export class TraceStatsAccumulator {
  readonly #topology: Topology;
  #writes = 0;
  #unicast = 0;
  #irm = 0;
  #cross = 0;
  #ipis = 0;
  /** Writes by number of targets (index: the number, at most the vCPU count). */
  readonly #targets: Float64Array;
  readonly #clusters = new Map<number, number>();
  readonly #byIntid = new Float64Array(16);
  // Open group of each sender: its tag (ftrace group or -1), INTID, last cluster key, totals.
  readonly #gTag: Float64Array;
  readonly #gIntid: Int32Array;
  readonly #gKey: Float64Array;
  readonly #gTime: Float64Array;
  readonly #gTargets: Float64Array;
  readonly #gClusters: Float64Array;
  readonly #gOpen: Uint8Array;
  readonly #seenCluster = new Set<number>();

  constructor(topology: Topology) {
    this.#topology = topology;
    const n = topology.count;
    this.#gTag = new Float64Array(n);
    this.#gIntid = new Int32Array(n);
    this.#gKey = new Float64Array(n);
    this.#gTime = new Float64Array(n);
    this.#gTargets = new Float64Array(n);
    this.#gClusters = new Float64Array(n);
    this.#gOpen = new Uint8Array(n);
    this.#targets = new Float64Array(n + 1);
  }

  /** Adds one write and the targets the reference found for it. */
  add(e: TraceEvent, targets: ArrayLike<number>, count = targets.length): void {
    const w = e.write;
    this.#writes++;
    if (count === 1) this.#unicast++;
    if (w.irm === 1) this.#irm++;
    this.#byIntid[w.intid]!++;
    this.#targets[count]!++;
    const aff = this.#topology.affinity;
    const senderCluster = aff[e.sender]! >>> 8;
    let cross = false;
    let clusters = count;
    if (count === 1) cross = aff[targets[0]!]! >>> 8 !== senderCluster;
    else if (count > 1) {
      this.#seenCluster.clear();
      for (let i = 0; i < count; i++) {
        const c = aff[targets[i]!]! >>> 8;
        this.#seenCluster.add(c);
        if (c !== senderCluster) cross = true;
      }
      clusters = this.#seenCluster.size;
    }
    if (cross) this.#cross++;

    const s = e.sender;
    const key = ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) * 16 + w.rs;
    const tag = e.group ?? NONE;
    const continues =
      this.#gOpen[s] === 1 &&
      w.irm === 0 &&
      (tag !== NONE
        ? this.#gTag[s] === tag
        : this.#gTag[s] === NONE && this.#gIntid[s] === w.intid && key > this.#gKey[s]! && e.t - this.#gTime[s]! <= SPLIT_GAP_US);
    if (!continues) {
      this.#close(s);
      this.#gOpen[s] = 1;
      this.#gTag[s] = tag;
      this.#gIntid[s] = w.intid;
      this.#gTargets[s] = 0;
      this.#gClusters[s] = 0;
      this.#ipis++;
    }
    this.#gKey[s] = w.irm === 1 ? Number.POSITIVE_INFINITY : key;
    this.#gTime[s] = e.t;
    this.#gTargets[s]! += count;
    this.#gClusters[s]! += clusters;
  }

  #close(s: number): void {
    if (this.#gOpen[s] !== 1) return;
    this.#gOpen[s] = 0;
    if (this.#gTargets[s]! >= 2) {
      const c = this.#gClusters[s]!;
      this.#clusters.set(c, (this.#clusters.get(c) ?? 0) + 1);
    }
  }

  /** The statistics so far (closes every open group; call once at the end). */
  finish(): TraceStats {
    for (let s = 0; s < this.#topology.count; s++) this.#close(s);
    const byIntid: Record<string, number> = {};
    this.#byIntid.forEach((n, i) => {
      if (n > 0) byIntid[String(i)] = n;
    });
    return {
      unicastShare: this.#writes === 0 ? 0 : this.#unicast / this.#writes,
      targetsPerWrite: histogramOf(this.#targets),
      clustersPerMulticast: histogram(this.#clusters),
      byIntid,
      irm: this.#irm,
      crossClusterShare: this.#writes === 0 ? 0 : this.#cross / this.#writes,
      ipis: this.#ipis,
    };
  }
}

function histogramOf(counts: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  counts.forEach((n, k) => {
    if (n > 0) out[String(k)] = n;
  });
  return out;
}

function histogram(m: Map<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort((a, b) => a - b)) out[String(k)] = m.get(k)!;
  return out;
}
