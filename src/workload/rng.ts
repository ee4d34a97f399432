/**
 * A small seeded PRNG (mulberry32) so a workload is a pure function of its seed: every engine,
 * and every run, sees the same writes.
 */

/** Uniform floats in [0, 1) from a 32-bit seed. */
export class SeededRandom {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  /** The next float in [0, 1). */
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An index drawn with probability proportional to `weights[i]` (at least one positive). */
  pick(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
}
