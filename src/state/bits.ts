/**
 * The one set of bitmap helpers. The SGI state keeps each per-vCPU flag (pending, active,
 * enabled, Group 0) as a bitmap over vCPUs per INTID: word `intid * words + (vcpu >>> 5)`,
 * bit `vcpu & 31`, 32 vCPUs per uint32 word. Small enough for V8 to inline on the hot path.
 */

/** Index of vCPU `vcpu`'s word for `intid` in a bitmap of `words` words per INTID. */
export function bitIndex(words: number, intid: number, vcpu: number): number {
  return intid * words + (vcpu >>> 5);
}

/** vCPU `vcpu`'s bit inside its word. */
export function vcpuBit(vcpu: number): number {
  return 1 << (vcpu & 31);
}

/** The bits of a bitmap's last word that are real vCPUs, for `count` vCPUs. */
export function lastWordMask(count: number): number {
  return count % 32 === 0 ? 0xffff_ffff : (1 << count % 32) - 1;
}

/** Position of the lowest set bit of a non-zero uint32. */
export function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

/** Count of set bits in a uint32. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
