/** The one percent formatter: a share (0..1) as text, for every table and summary. */

/**
 * `x` as a percentage with `digits` decimals, or `missing` when there is no figure.
 * @example pct(0.1234) // "12.3%"
 */
export function pct(x: number | null | undefined, digits = 1, missing = "n/a"): string {
  return x === null || x === undefined ? missing : `${(x * 100).toFixed(digits)}%`;
}
