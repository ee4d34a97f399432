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

/** A map from thread id to state, holding at most `capacity` entries (least recently stored first out). */
export class ThreadTable<V> {
  readonly capacity: number;
  /** Entries dropped to stay within capacity. */
  evictions = 0;
  readonly #map = new Map<number, V>();

  constructor(capacity = DEFAULT_THREAD_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new UsageError(`thread table capacity must be a positive integer, not ${String(capacity)}`, String(capacity));
    this.capacity = capacity;
  }

  get size(): number {
    return this.#map.size;
  }

  get(tid: number): V | undefined {
    return this.#map.get(tid);
  }

  /**
   * Stores `value` for `tid`, making it the most recent. When full, the least recent entry is
   * dropped (and counted) and returned, so the caller can finish what it held.
   */
  set(tid: number, value: V): V | undefined {
    const m = this.#map;
    let evicted: V | undefined;
    if (m.has(tid)) m.delete(tid);
    else if (m.size >= this.capacity) {
      const oldest = m.keys().next().value as number;
      evicted = m.get(oldest);
      m.delete(oldest);
      this.evictions++;
    }
    m.set(tid, value);
    return evicted;
  }

  delete(tid: number): boolean {
    return this.#map.delete(tid);
  }

  /** Removes and returns every entry, oldest first. */
  drain(): V[] {
    const all = [...this.#map.values()];
    this.#map.clear();
    return all;
  }
}
