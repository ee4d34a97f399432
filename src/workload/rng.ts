/**
 * The one seeded PRNG (mulberry32: 32-bit state, not for cryptography) so a workload is a pure
 * function of its seed: every engine, every run and every machine sees the same writes. Used by
 * the Linux profiles, the bench workloads, the stress workers and the shared-state benchmark.
 */

/** A mulberry32 generator: uint32s, uniform floats in [0, 1), integers and weighted picks. */
export class SeededRandom {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  /** The next uint32. */
  uint32(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The next float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, n) (multiply-high: bias below 2^-32·n, far under what a benchmark can see). */
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

/** A seeded source of uint32s, as the bench workloads draw them. */
export interface Rng {
  /** The next uint32. */
  next(): number;
  /** A uniform integer in 0..n-1 (n ≥ 1). */
  below(n: number): number;
}

/**
 * A `SeededRandom` seen as uint32s and integers.
 * @example createRng(42).below(10) // the same digit on every run
 */
export function createRng(seed: number): Rng {
  const r = new SeededRandom(seed);
  return { next: () => r.uint32(), below: (n) => r.int(n) };
}

/** Mixes text labels into a seed (FNV-1a), so each workload × topology gets its own stream. */
export function seedFor(seed: number, ...labels: readonly string[]): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const label of labels) {
    for (let i = 0; i < label.length; i++) {
      h ^= label.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ 0xff, 0x01000193) >>> 0;
  }
  return h;
}
