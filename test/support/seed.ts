/**
 * fast-check settings for the suite: a fixed seed (override with VSGI_SEED) so CI runs are
 * reproducible; fast-check prints the seed and counterexample path on failure.
 */
import fc from "fast-check";

export const SEED = process.env.VSGI_SEED !== undefined ? Number(process.env.VSGI_SEED) : 20261126;

/** Parameters for `fc.assert` with the suite's seed. */
export function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, verbose: 1 };
}
