/**
 * A small seeded PRNG for workload generation (mulberry32: 32-bit state, full period over its
 * outputs, good enough to scatter targets; not for cryptography). Same seed → same sequence on
 * every machine, so every engine and every run sees the same writes.
 */

/** A seeded source of uint32s. */
export interface Rng {
  /** The next uint32. */
  next(): number;
  /** A uniform integer in 0..n-1 (n ≥ 1). */
  below(n: number): number;
}

/**
 * A mulberry32 generator.
 * @example createRng(42).below(10) // the same digit on every run
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // Multiply-high keeps the bias below 2^-32·n, far under what a benchmark can see.
  const below = (n: number): number => Math.floor((next() / 0x1_0000_0000) * n);
  return { next, below };
}

/** Mixes a text label into a seed (FNV-1a), so each workload × topology gets its own stream. */
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
