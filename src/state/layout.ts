/**
 * SGI numbers and the state buffer's layout (GIC spec IHI 0069 §4.1 "interrupt lifecycle";
 * GICv2 IHI 0048B §3.2.3 for per-source SGI pending state), shared by the plain and the
 * atomic state so both read one buffer with the same offsets.
 */

import { describeValue, InvalidValueError } from "../errors.ts";

/** Most vCPUs a state holds: the GICv3 limit vsgi supports (the topology's MAX_VCPUS). */
export const MAX_STATE_VCPUS = 4096;
/** Number of SGIs per vCPU. */
export const SGI_COUNT = 16;
/** INTID returned by an acknowledge when nothing can be signalled. */
export const SPURIOUS_INTID = 1023;
/** Reset priority of every SGI (the lowest non-masked priority a guest usually programs is 0xa0). */
export const DEFAULT_PRIORITY = 0xa0;

/** Byte offsets of each array inside the state buffer. */
export interface SgiStateLayout {
  readonly words: number;
  readonly pending: number;
  readonly active: number;
  readonly enabled: number;
  readonly group0: number;
  readonly priority: number;
  readonly sources: number;
  readonly bytes: number;
}

/** Where each array lives in a state buffer for `count` vCPUs. */
export function sgiStateLayout(count: number): SgiStateLayout {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_STATE_VCPUS) {
    throw new InvalidValueError(`SGI state vCPU count must be an integer 1..${String(MAX_STATE_VCPUS)}, got ${describeValue(count)}`, describeValue(count), "count");
  }
  const words = Math.ceil(count / 32);
  const bitmapBytes = SGI_COUNT * words * 4;
  const pending = 0;
  const active = pending + bitmapBytes;
  const enabled = active + bitmapBytes;
  const group0 = enabled + bitmapBytes;
  const priority = group0 + bitmapBytes;
  const sources = priority + count * SGI_COUNT;
  const bytes = Math.ceil((sources + count * SGI_COUNT) / 8) * 8;
  return { words, pending, active, enabled, group0, priority, sources, bytes };
}
