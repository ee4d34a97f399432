/**
 * ICC_SGI1R_EL1, ICC_SGI0R_EL1, ICC_ASGI1R_EL1 — GICv3 SGI generation registers
 * (GIC architecture specification IHI 0069, §12.2 "ICC_SGI1R_EL1"; the three share one layout).
 *
 *   bits 15:0  TargetList   bit n targets Aff0 = RS*16 + n in cluster Aff3.Aff2.Aff1
 *   bits 23:16 Aff1         bits 27:24 INTID       bits 31:28 RES0
 *   bits 39:32 Aff2         bit  40    IRM         bits 43:41 RES0
 *   bits 47:44 RS           bits 55:48 Aff3        bits 63:56 RES0
 *
 * The hot path works on the two uint32 halves (`hi` = bits 63:32, `lo` = bits 31:0) and
 * decodes into a reused object, so no `bigint` and no allocation per write.
 */
import { checkObject, describeValue, InvalidRegisterError, InvalidValueError } from "../errors.ts";
import { bitPositions, formatHex, joinU64, parseRegisterValue, splitU64 } from "./value.ts";

/** Which SGI generation register was written. SGI0R and ASGI1R reach only Group 0 SGIs (DS = 1). */
export const SgiRegister = { SGI1R: 0, SGI0R: 1, ASGI1R: 2 } as const;
export type SgiRegister = (typeof SgiRegister)[keyof typeof SgiRegister];
/** Register names as the CLI and JSON spell them. */
export const SGI_REGISTER_NAMES = ["sgi1r", "sgi0r", "asgi1r"] as const;
/** The CLI and JSON name of an SGI register: `sgi1r`, `sgi0r` or `asgi1r`. */
export type SgiRegisterName = (typeof SGI_REGISTER_NAMES)[number];
/** The architectural name of each register. */
export const SGI_REGISTER_ARCH_NAMES = ["ICC_SGI1R_EL1", "ICC_SGI0R_EL1", "ICC_ASGI1R_EL1"] as const;

// lo = bits 31:0
const TARGET_LIST_MASK = 0xffff;
const AFF1_SHIFT = 16;
const INTID_SHIFT = 24;
/** bits 31:28 */
const RES0_LO = 0xf000_0000;
// hi = bits 63:32, so bit 40 is hi bit 8
const AFF2_MASK_HI = 0xff;
const IRM_SHIFT_HI = 8;
const RS_SHIFT_HI = 12;
const AFF3_SHIFT_HI = 16;
/** bits 43:41 and 63:56 */
const RES0_HI = 0xff00_0e00;
/** RES0 bits of the two uint32 halves (bits 31:0 and 63:32), for generators that set them on purpose. */
export const SGI_RES0_LO = RES0_LO;
export const SGI_RES0_HI = RES0_HI;
/** All RES0 bits of the 64-bit register. */
export const SGI_RES0_MASK = (BigInt(RES0_HI) << 32n) | BigInt(RES0_LO);

/** One decoded SGI generation register write. */
export interface SgiWrite {
  intid: number;
  aff3: number;
  aff2: number;
  aff1: number;
  targetList: number;
  rs: number;
  irm: number;
  register: SgiRegister;
}

/** A fresh, zeroed write object to decode into. */
export function newSgiWrite(): SgiWrite {
  return { intid: 0, aff3: 0, aff2: 0, aff1: 0, targetList: 0, rs: 0, irm: 0, register: SgiRegister.SGI1R };
}

/**
 * Hot-path decode of a register value given as uint32 halves into `out`. Reserved bits are
 * ignored (as hardware does); the return value is 1 when any RES0 bit was set, else 0.
 */
export function decodeSgiInto(out: SgiWrite, hi: number, lo: number, register: SgiRegister): number {
  out.targetList = lo & TARGET_LIST_MASK;
  out.aff1 = (lo >>> AFF1_SHIFT) & 0xff;
  out.intid = (lo >>> INTID_SHIFT) & 0xf;
  out.aff2 = hi & AFF2_MASK_HI;
  out.irm = (hi >>> IRM_SHIFT_HI) & 1;
  out.rs = (hi >>> RS_SHIFT_HI) & 0xf;
  out.aff3 = (hi >>> AFF3_SHIFT_HI) & 0xff;
  out.register = register;
  return (hi & RES0_HI) !== 0 || (lo & RES0_LO) !== 0 ? 1 : 0;
}

/** Bits 31:0 of the value that encodes `w` (RES0 zero); no range checks, no allocation. */
export function sgiWriteLo(w: SgiWrite): number {
  return ((w.targetList & TARGET_LIST_MASK) | ((w.aff1 & 0xff) << AFF1_SHIFT) | ((w.intid & 0xf) << INTID_SHIFT)) >>> 0;
}

/** Bits 63:32 of the value that encodes `w` (RES0 zero); no range checks, no allocation. */
export function sgiWriteHi(w: SgiWrite): number {
  return ((w.aff2 & AFF2_MASK_HI) | ((w.irm & 1) << IRM_SHIFT_HI) | ((w.rs & 0xf) << RS_SHIFT_HI) | ((w.aff3 & 0xff) << AFF3_SHIFT_HI)) >>> 0;
}

/** Parses a register name (`sgi1r`, `sgi0r`, `asgi1r`). */
export function parseSgiRegisterName(name: string): SgiRegister {
  if (typeof name !== "string") throw new InvalidValueError(`an SGI register name must be a string, got ${describeValue(name)}`, describeValue(name));
  const i = (SGI_REGISTER_NAMES as readonly string[]).indexOf(name.toLowerCase());
  if (i < 0) throw new InvalidValueError(`unknown SGI register "${name}" (expected one of ${SGI_REGISTER_NAMES.join(", ")})`, name);
  return i as SgiRegister;
}

/**
 * Decodes a 64-bit SGI register value. With `strict` (the default) any RES0 bit set throws an
 * `InvalidRegisterError` naming the bits; otherwise they are ignored as hardware ignores them.
 * @example decodeSgiRegister("0x011F8001").targetList // 0x8001
 */
export function decodeSgiRegister(
  value: string | bigint | number,
  register: SgiRegister = SgiRegister.SGI1R,
  options: { readonly strict?: boolean } = {},
): SgiWrite {
  const name = typeof register === "number" ? SGI_REGISTER_ARCH_NAMES[register] : undefined;
  if (name === undefined) throw new InvalidValueError(`register must be SgiRegister.SGI1R, SGI0R or ASGI1R (0, 1, 2), got ${describeValue(register)}`, describeValue(register), "register");
  checkObject(options, "decodeSgiRegister options");
  const v = parseRegisterValue(value, 64, name);
  const res0 = v & SGI_RES0_MASK;
  if (res0 !== 0n && options.strict !== false) {
    throw new InvalidRegisterError(
      `${name} ${formatHex(v)}: RES0 bit${bitPositions(res0).length > 1 ? "s" : ""} ${bitPositions(res0).join(", ")} set (${formatHex(res0)})`,
      String(value),
      res0,
    );
  }
  const { hi, lo } = splitU64(v);
  const out = newSgiWrite();
  decodeSgiInto(out, hi, lo, register);
  return out;
}

/** Fields accepted by {@link encodeSgiRegister}; omitted fields are zero. */
export interface SgiFields {
  readonly intid: number;
  readonly aff3?: number;
  readonly aff2?: number;
  readonly aff1?: number;
  readonly targetList?: number;
  readonly rs?: number;
  readonly irm?: number;
}

function field(fields: SgiFields, name: keyof SgiFields, max: number): number {
  const v = fields[name] ?? 0;
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new InvalidValueError(`SGI register field ${name} must be an integer 0..${String(max)}, got ${describeValue(v)}`, describeValue(v), name);
  }
  return v;
}

/** The uint32 halves of an encoded SGI register value (no bigint). */
export function encodeSgiHiLo(fields: SgiFields): { hi: number; lo: number } {
  checkObject(fields, "SGI register fields");
  const lo =
    (field(fields, "targetList", 0xffff) | (field(fields, "aff1", 0xff) << AFF1_SHIFT) | (field(fields, "intid", 15) << INTID_SHIFT)) >>> 0;
  const hi =
    (field(fields, "aff2", 0xff) |
      (field(fields, "irm", 1) << IRM_SHIFT_HI) |
      (field(fields, "rs", 15) << RS_SHIFT_HI) |
      (field(fields, "aff3", 0xff) << AFF3_SHIFT_HI)) >>>
    0;
  return { hi, lo };
}

/**
 * Encodes SGI register fields into the 64-bit value; every field is range-checked.
 * @example encodeSgiRegister({ intid: 1, aff1: 0x1f, targetList: 0x8001 }) // 0x11f8001n
 */
export function encodeSgiRegister(fields: SgiFields): bigint {
  const { hi, lo } = encodeSgiHiLo(fields);
  return joinU64(hi, lo);
}

/** The JSON form of a decoded write, as `vsgi decode --json` prints it. */
export function sgiWriteToJson(w: SgiWrite): {
  register: SgiRegisterName;
  intid: number;
  aff3: number;
  aff2: number;
  aff1: number;
  targetList: number;
  rs: number;
  irm: number;
} {
  checkObject(w, "decoded SGI write");
  const register = SGI_REGISTER_NAMES[w.register];
  if (register === undefined) throw new InvalidValueError(`a decoded SGI write's register must be 0, 1 or 2, got ${describeValue(w.register)}`, describeValue(w.register), "register");
  return {
    register,
    intid: w.intid,
    aff3: w.aff3,
    aff2: w.aff2,
    aff1: w.aff1,
    targetList: w.targetList,
    rs: w.rs,
    irm: w.irm,
  };
}
