/**
 * The per-write core of trace replay: one decoded write dispatched on each prepared engine, each
 * engine's targets compared with the reference's, without allocating per write. The targets live
 * in reused typed arrays; arrays are built only for a mismatch. What it counts is what
 * `routeOnEngines` (src/engines/prepared.ts) plus a comparison would give, write by write.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { EngineName, PreparedEngine } from "../engines/index.ts";
import { RecordingSink } from "../engines/index.ts";
import { DEFAULT_PEER_INPUTS, peerOutcome } from "../engines/peer-outcome.ts";

/** One engine's running totals (the report's `EngineReplay` of a supported engine). */
export interface EngineTotals {
  mismatches: number;
  visits: number;
  rules?: Record<string, number>;
}

/** Copies the sink's targets into `dst`, ascending; returns their count. */
function sortedInto(sink: RecordingSink, dst: Int32Array): number {
  const n = sink.length;
  const src = sink.targets;
  if (n > 32) {
    dst.set(src.subarray(0, n));
    dst.subarray(0, n).sort();
    return n;
  }
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    let j = i - 1;
    while (j >= 0 && dst[j]! > v) {
      dst[j + 1] = dst[j]!;
      j--;
    }
    dst[j + 1] = v;
  }
  return n;
}

function sameTargets(a: Int32Array, an: number, b: ArrayLike<number>, bn: number): boolean {
  if (an !== bn) return false;
  for (let i = 0; i < an; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Dispatches writes on the prepared engines (the reference first) and compares each with it. */
export class EngineChecker {
  /** The reference's targets of the last write, ascending (`refCount` of them). */
  readonly ref: Int32Array;
  refCount = 0;
  readonly #sink: RecordingSink;
  readonly #mine: Int32Array;
  readonly #refEngine: PreparedEngine;
  /** The other supported engines, with the totals to add to (undefined: dispatched, not counted). */
  readonly #others: { readonly p: PreparedEngine; readonly acc: EngineTotals | undefined; readonly rules: (readonly string[])[] }[] = [];

  constructor(prepared: readonly PreparedEngine[], count: number, totalsOf: (name: EngineName) => EngineTotals | undefined) {
    this.#sink = new RecordingSink(count);
    this.ref = new Int32Array(count);
    this.#mine = new Int32Array(count);
    const ref = prepared.find((p) => p.engine.name === "reference");
    if (ref === undefined || !ref.support.supported) throw new Error("the reference engine must support every topology");
    this.#refEngine = ref;
    // The reference is compared with itself too, as routeOnEngines' results were.
    for (const p of prepared) if (p.support.supported) this.#others.push({ p, acc: totalsOf(p.engine.name), rules: [] });
  }

  /**
   * Routes one write; `onMismatch(name, expected, actual)` is called for each engine that
   * disagrees with the reference (or delivers a vCPU twice).
   */
  check(w: SgiWrite, sender: number, onMismatch: (name: EngineName, expected: number[], actual: number[]) => void): void {
    const sink = this.#sink;
    sink.clear();
    const refVisits = this.#refEngine.engine.dispatch(w, sender, sink);
    const refDup = sink.duplicates;
    this.refCount = sortedInto(sink, this.ref);
    for (const o of this.#others) {
      let visits: number;
      let n: number;
      let dup: number;
      let mine: Int32Array;
      if (o.p === this.#refEngine) {
        visits = refVisits;
        n = this.refCount;
        dup = refDup;
        mine = this.ref;
      } else {
        sink.clear();
        visits = o.p.engine.dispatch(w, sender, sink);
        dup = sink.duplicates;
        mine = this.#mine;
        n = sortedInto(sink, mine);
      }
      const acc = o.acc;
      if (acc === undefined) continue;
      acc.visits += visits;
      if (acc.rules !== undefined) {
        // With every SGI Group 1 and every vCPU online (DEFAULT_PEER_INPUTS), a peer's rules depend
        // on the register and on whether there is any target, never on which: memoised per pair.
        const key = w.register * 2 + (n > 0 ? 1 : 0);
        let rules = o.rules[key];
        if (rules === undefined) {
          rules = peerOutcome(o.p.engine.name, Array.from(mine.subarray(0, n)), w, DEFAULT_PEER_INPUTS).rules;
          o.rules[key] = rules;
        }
        for (const rule of rules) acc.rules[rule] = (acc.rules[rule] ?? 0) + 1;
      }
      if (dup > 0 || !sameTargets(mine, n, this.ref, this.refCount)) {
        acc.mismatches++;
        onMismatch(o.p.engine.name, Array.from(this.ref.subarray(0, this.refCount)), Array.from(mine.subarray(0, n)));
      }
    }
  }

  /** Whether `list` (ascending) equals the reference's targets of the last write. */
  sameAsRef(list: readonly number[]): boolean {
    return sameTargets(this.ref, this.refCount, list, list.length);
  }
}
