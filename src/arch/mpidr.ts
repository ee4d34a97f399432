/**
 * MPIDR_EL1 — a PE's affinity (Arm ARM D23.2 "MPIDR_EL1").
 *
 *   bits  7:0  Aff0     bits 15:8  Aff1     bits 23:16 Aff2
 *   bit  24    MT       bit  30    U        bit  31    RES1
 *   bits 39:32 Aff3     other bits RES0
 *
 * vsgi keeps an affinity as one uint32, `Aff3:Aff2:Aff1:Aff0` (Aff3 in bits 31:24), called a
 * *packed affinity*; the *cluster* of a PE is its packed affinity shifted right by 8.
 */
import { checkObject, checkUint, describeValue, InvalidValueError, TopologyError } from "../errors.ts";
import { formatHex, parseRegisterValue } from "./value.ts";

/** MPIDR_EL1 bit 31 reads as one on real hardware; values copied from a host may carry it. */
export const MPIDR_RES1 = 1n << 31n;
/** Mask of the four affinity fields of MPIDR_EL1: 39:32, 23:16, 15:8, 7:0. */
export const MPIDR_AFFINITY_MASK = 0xff_00ff_ffffn;

/** The four affinity fields of one PE. */
export interface Affinity {
  readonly aff3: number;
  readonly aff2: number;
  readonly aff1: number;
  readonly aff0: number;
}

/** Packs affinity fields into `Aff3:Aff2:Aff1:Aff0` (uint32). */
export function packAffinity(a: Affinity): number {
  checkObject(a, "affinity");
  for (const [field, v] of [["aff3", a.aff3], ["aff2", a.aff2], ["aff1", a.aff1], ["aff0", a.aff0]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new InvalidValueError(`${field} must be 0..255, got ${String(v)}`, String(v), field);
  }
  return ((a.aff3 << 24) | (a.aff2 << 16) | (a.aff1 << 8) | a.aff0) >>> 0;
}

/** Unpacks a packed affinity into its fields. */
export function unpackAffinity(packed: number): Affinity {
  checkUint(packed, "packed affinity", 0xffff_ffff);
  return { aff3: (packed >>> 24) & 0xff, aff2: (packed >>> 16) & 0xff, aff1: (packed >>> 8) & 0xff, aff0: packed & 0xff };
}

/** The MPIDR_EL1 value (affinity fields only, RES1 clear) of a packed affinity. */
export function mpidrOfAffinity(packed: number): bigint {
  checkUint(packed, "packed affinity", 0xffff_ffff);
  return (BigInt(packed >>> 24) << 32n) | BigInt(packed & 0xff_ffff);
}

/**
 * The packed affinity of an MPIDR_EL1 value. Bit 31 (RES1) is accepted; MT, U and any other
 * bit outside the affinity fields is rejected, since a vCPU's identity must be its affinity.
 * @example affinityOfMpidr("0x80000103") // 0x103 (Aff1 = 1, Aff0 = 3)
 */
export function affinityOfMpidr(input: string | bigint | number, where = "mpidr"): number {
  if (typeof where !== "string") where = "mpidr";
  let value: bigint;
  try {
    value = parseRegisterValue(input, 64, `MPIDR_EL1 (${where})`);
  } catch (e) {
    throw e instanceof InvalidValueError ? new TopologyError(e.message, describeValue(input), where) : e;
  }
  const outside = value & ~(MPIDR_AFFINITY_MASK | MPIDR_RES1);
  if (outside !== 0n) {
    throw new TopologyError(
      `MPIDR_EL1 ${formatHex(value)} (${where}) has bits outside the affinity fields set (${formatHex(outside)}; MT, U and RES0 bits are not part of a vCPU's affinity)`,
      String(input),
      where,
    );
  }
  return ((Number(value >> 32n) << 24) | Number(value & 0xff_ffffn)) >>> 0;
}

/** Formats a packed affinity as `Aff3.Aff2.Aff1.Aff0` in decimal. */
export function formatAffinity(packed: number): string {
  const a = unpackAffinity(packed);
  return `${String(a.aff3)}.${String(a.aff2)}.${String(a.aff1)}.${String(a.aff0)}`;
}
