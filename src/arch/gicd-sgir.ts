/**
 * GICD_SGIR — GICv2 Software Generated Interrupt Register (IHI 0048B, §4.3.15), 32-bit MMIO.
 *
 *   bits  3:0  SGIINTID          bits 14:4  RES0 (SBZ)      bit 15 NSATT
 *   bits 23:16 CPUTargetList     bits 25:24 TargetListFilter bits 31:26 RES0
 *
 * TargetListFilter: 0 = the CPUs in CPUTargetList, 1 = every CPU but the writer,
 * 2 = the writer only, 3 = reserved (no SGI is generated).
 */
import { checkObject, checkUint, InvalidRegisterError } from "../errors.ts";
import { bitPositions, formatHex, parseRegisterValue } from "./value.ts";

/** Values of GICD_SGIR.TargetListFilter. */
export const TargetListFilter = { LIST: 0, ALL_BUT_SELF: 1, SELF: 2, RESERVED: 3 } as const;
export type TargetListFilter = (typeof TargetListFilter)[keyof typeof TargetListFilter];

const INTID_MASK = 0xf;
const NSATT_SHIFT = 15;
const TARGET_LIST_SHIFT = 16;
const FILTER_SHIFT = 24;
/** bits 14:4 and 31:26 */
export const GICD_SGIR_RES0_MASK = 0xfc00_7ff0;

/** A decoded GICD_SGIR write. */
export interface GicdSgirWrite {
  readonly sgiIntid: number;
  readonly nsatt: number;
  readonly cpuTargetList: number;
  readonly targetListFilter: TargetListFilter;
}

/**
 * Decodes a GICD_SGIR value. With `strict` (default) RES0 bits or the reserved filter value 3
 * throw `InvalidRegisterError`; otherwise RES0 bits are ignored and filter 3 decodes as is
 * (the distributor then generates no SGI).
 * @example decodeGicdSgir("0x02000003").targetListFilter // 2 (self only)
 */
export function decodeGicdSgir(value: string | bigint | number, options: { readonly strict?: boolean } = {}): GicdSgirWrite {
  checkObject(options, "decodeGicdSgir options");
  const v = Number(parseRegisterValue(value, 32, "GICD_SGIR"));
  const w = decodeGicdSgirLo(v);
  if (options.strict !== false) {
    const res0 = (v & GICD_SGIR_RES0_MASK) >>> 0;
    if (res0 !== 0) {
      throw new InvalidRegisterError(
        `GICD_SGIR ${formatHex(v)}: RES0 bit${bitPositions(BigInt(res0)).length > 1 ? "s" : ""} ${bitPositions(BigInt(res0)).join(", ")} set (${formatHex(res0)})`,
        String(value),
        BigInt(res0),
      );
    }
    if (w.targetListFilter === TargetListFilter.RESERVED) {
      throw new InvalidRegisterError(`GICD_SGIR ${formatHex(v)}: TargetListFilter 0b11 is reserved`, String(value), 3n << 24n, "TargetListFilter");
    }
  }
  return w;
}

/** Decodes GICD_SGIR fields from a uint32, ignoring RES0 bits. */
export function decodeGicdSgirLo(v: number): GicdSgirWrite {
  return {
    sgiIntid: v & INTID_MASK,
    nsatt: (v >>> NSATT_SHIFT) & 1,
    cpuTargetList: (v >>> TARGET_LIST_SHIFT) & 0xff,
    targetListFilter: ((v >>> FILTER_SHIFT) & 3) as TargetListFilter,
  };
}

/** Encodes GICD_SGIR fields (range-checked) into the 32-bit value. */
export function encodeGicdSgir(w: GicdSgirWrite): number {
  checkObject(w, "GICD_SGIR fields");
  const check = (name: string, v: number, max: number): number => {
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new InvalidRegisterError(`GICD_SGIR field ${name} must be an integer 0..${String(max)}, got ${String(v)}`, String(v), 0n, name);
    }
    return v;
  };
  return (
    (check("sgiIntid", w.sgiIntid, 15) |
      (check("nsatt", w.nsatt, 1) << NSATT_SHIFT) |
      (check("cpuTargetList", w.cpuTargetList, 0xff) << TARGET_LIST_SHIFT) |
      (check("targetListFilter", w.targetListFilter, 3) << FILTER_SHIFT)) >>>
    0
  );
}

/** GICv2 has at most 8 CPU interfaces: GICD_SGIR.CPUTargetList has one bit per CPU interface. */
export const GICV2_MAX_CPUS = 8;

/**
 * The CPUs a GICD_SGIR write from `sender` reaches, as a bitmask over `count` CPUs
 * (TargetListFilter 0: CPUTargetList, 1: all but the writer, 2: the writer), or -1 for the
 * reserved filter 3, which generates no SGI. Target bits beyond `count` reach nobody.
 */
export function gicdSgirTargetMask(w: GicdSgirWrite, sender: number, count: number): number {
  checkObject(w, "GICD_SGIR fields");
  checkUint(count, "CPU count", GICV2_MAX_CPUS);
  checkUint(sender, "sender", Math.max(0, count - 1));
  const all = (1 << count) - 1;
  switch (w.targetListFilter) {
    case TargetListFilter.LIST:
      return w.cpuTargetList & all;
    case TargetListFilter.ALL_BUT_SELF:
      return all & ~(1 << sender);
    case TargetListFilter.SELF:
      return 1 << sender;
    default:
      return -1;
  }
}
