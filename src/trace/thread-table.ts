/**
 * Per-thread state of a log parser, bounded: a QEMU log interleaves the lines of its vCPU threads,
 * and a parser keeps a little state per thread id (a write waiting for its deliveries, the CPU a
 * thread is). A hostile or corrupt log can name millions of thread ids; this table keeps the
 * `capacity` most recently stored ones and counts what it had to drop, so memory stays bounded
 * and the loss is reported, never silent.
 */

import { UsageError } from "../errors.ts";

/** Threads kept by default: far above any VM (QEMU runs one thread per vCPU, at most a few thousand). */
export const DEFAULT_THREAD_CAPACITY = 8192;

interface Slot<V> {
  value: V;
  /** When it was last stored (a counter). */
  stamp: number;
}

/**
 * A map from thread id to state, holding at most `capacity` entries (least recently stored first out).
 * Re-storing a thread updates its slot in place (no Map delete and insert per write); the order of
 * stores is a queue of (thread, stamp) pairs in which a pair whose thread was stored again since is
 * stale and skipped, and which is compacted when it grows past a few times the capacity.
 */
export class ThreadTable<V> {
  readonly capacity: number;
  /** Entries dropped to stay within capacity. */
  evictions = 0;
  readonly #map = new Map<number, Slot<V>>();
  #clock = 0;
  #qTid: number[] = [];
  #qStamp: number[] = [];
  #qHead = 0;

  constructor(capacity = DEFAULT_THREAD_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new UsageError(`thread table capacity must be a positive integer, not ${String(capacity)}`, String(capacity));
    this.capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  get(tid: number): V | undefined {
    return this.#map.get(tid)?.value;
  }

  /**
   * Stores `value` for `tid`, making it the most recent. When full, the least recent entry is
   * dropped (and counted) and returned, so the caller can finish what it held.
   */
  set(tid: number, value: V): V | undefined {
    const m = this.#map;
    const stamp = ++this.#clock;
    let evicted: V | undefined;
    const slot = m.get(tid);
    if (slot !== undefined) {
      slot.value = value;
      slot.stamp = stamp;
    } else {
      if (m.size >= this.capacity) evicted = this.#evictOldest();
      m.set(tid, { value, stamp });
    }
    this.#qTid.push(tid);
    this.#qStamp.push(stamp);
    if (this.#qTid.length > 4 * this.capacity + 64) this.#compact();
    return evicted;
  }

  delete(tid: number): boolean {
    return this.#map.delete(tid);
  }

  /** Removes and returns every entry, oldest first. */
  drain(): V[] {
    const all = [...this.#map.values()].sort((a, b) => a.stamp - b.stamp).map((s) => s.value);
    this.#map.clear();
    this.#qTid = [];
    this.#qStamp = [];
    this.#qHead = 0;
    return all;
  }

  #evictOldest(): V {
    const m = this.#map;
    for (;;) {
      const tid = this.#qTid[this.#qHead]!;
      const stamp = this.#qStamp[this.#qHead]!;
      this.#qHead++;
      const slot = m.get(tid);
      if (slot !== undefined && slot.stamp === stamp) {
        m.delete(tid);
        this.evictions++;
        return slot.value;
      }
    }
  }

  /** Rebuilds the queue from the live entries (drops stale pairs and the consumed head). */
  #compact(): void {
    const live = [...this.#map].sort((a, b) => a[1].stamp - b[1].stamp);
    this.#qTid = live.map(([tid]) => tid);
    this.#qStamp = live.map(([, s]) => s.stamp);
    this.#qHead = 0;
  }
}
