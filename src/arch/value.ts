/**
 * Reading register values at the boundary. A 64-bit register does not fit a JS `number`
 * (bits 55:48 of ICC_SGI1R_EL1 lie above 2^53), so values enter as `bigint` or hex text and
 * are split once into two uint32 halves for the hot path.
 */
import { checkUint, describeValue, InvalidValueError } from "../errors.ts";

const HEX = /^(?:0[xX])?([0-9a-fA-F](?:_?[0-9a-fA-F])*)$/;

/**
 * Parses a register value given as hex text (`0x011F8001`, `011f8001`, `_` separators allowed),
 * a `bigint` or a non-negative safe integer, checking that it fits `bits` bits.
 * @example parseRegisterValue("0x011F8001", 64, "ICC_SGI1R_EL1") // 0x11f8001n
 */
export function parseRegisterValue(input: string | bigint | number, bits: 32 | 64, name: string): bigint {
  if (typeof name !== "string") name = "register value";
  if (bits !== 32 && bits !== 64) throw new InvalidValueError(`${name}: width ${describeValue(bits)} is not 32 or 64 bits`, describeValue(bits), "bits");
  if (typeof input !== "bigint" && typeof input !== "number" && typeof input !== "string") {
    throw new InvalidValueError(`${name}: ${describeValue(input)} is not a register value (expected a bigint, a safe integer or hex text)`, describeValue(input));
  }
  let value: bigint;
  if (typeof input === "bigint") {
    value = input;
  } else if (typeof input === "number") {
    if (!Number.isSafeInteger(input)) {
      throw new InvalidValueError(`${name}: ${String(input)} is not a safe integer; pass a bigint or hex text`, String(input));
    }
    value = BigInt(input);
  } else {
    const m = HEX.exec(input.trim());
    if (m === null || m[1] === undefined) {
      throw new InvalidValueError(`${name}: "${input}" is not a hexadecimal value (expected e.g. 0x011F8001)`, input);
    }
    value = BigInt(`0x${m[1].replaceAll("_", "")}`);
  }
  if (value < 0n) throw new InvalidValueError(`${name}: ${String(input)} is negative`, String(input));
  if (value >> BigInt(bits) !== 0n) {
    throw new InvalidValueError(`${name}: ${formatHex(value)} does not fit in ${String(bits)} bits`, String(input));
  }
  return value;
}

/** Formats a value as lower-case `0x` hex. */
export function formatHex(value: bigint | number): string {
  if (typeof value !== "bigint" && typeof value !== "number") throw new InvalidValueError(`formatHex: ${describeValue(value)} is not a number or a bigint`, describeValue(value));
  return `0x${value.toString(16)}`;
}

/** Splits a 64-bit value into its high and low uint32 halves. */
export function splitU64(value: bigint): { hi: number; lo: number } {
  if (typeof value !== "bigint" || value < 0n || value >> 64n !== 0n) throw new InvalidValueError(`splitU64: ${describeValue(value)} is not a 64-bit unsigned bigint`, describeValue(value));
  return { hi: Number((value >> 32n) & 0xffff_ffffn), lo: Number(value & 0xffff_ffffn) };
}

/** Joins uint32 halves into a 64-bit value. */
export function joinU64(hi: number, lo: number): bigint {
  checkUint(hi, "hi (bits 63:32)", 0xffff_ffff);
  checkUint(lo, "lo (bits 31:0)", 0xffff_ffff);
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Lists the set bit positions of a value, ascending, for error messages ("bits 28, 30"). */
export function bitPositions(value: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; value >> BigInt(i) !== 0n; i++) if ((value >> BigInt(i)) & 1n) out.push(i);
  return out;
}
