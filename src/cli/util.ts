/** Argument parsing shared by the CLI commands (the output and error contract is in contract.ts). */
import { PAGE_SIZES, type PageSize } from "../engines/kvm-mpidr-index.ts";
import { UsageError } from "../errors.ts";

/** Parses a non-negative decimal integer option (`--sender 3`), naming the flag in errors. */
export function parseNonNegativeInt(text: string, flag: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[0-9]+$/.test(text.trim())) throw new UsageError(`${flag}: "${text}" is not a non-negative integer`, text);
  const n = Number(text.trim());
  if (n > max) throw new UsageError(`${flag}: ${text} is above the maximum ${String(max)}`, text);
  return n;
}

/** Parses a positive count that may be written `1e7` or `10000000`. */
export function parseCount(text: string, flag: string, max = 1e12): number {
  const t = text.trim();
  if (!/^[0-9]+(?:\.[0-9]+)?(?:e[0-9]+)?$/i.test(t)) throw new UsageError(`${flag}: "${text}" is not a count (e.g. 1000000 or 1e6)`, text);
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag}: ${text} must be a whole number in 1..${String(max)}`, text);
  return n;
}

/** Parses a comma-separated list of positive integers (`--vcpus 4,16,64`). */
export function parseIntList(text: string, flag: string, max: number): number[] {
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === "")) throw new UsageError(`${flag}: "${text}" is not a comma-separated list of integers`, text);
  return parts.map((p) => {
    const n = parseNonNegativeInt(p, flag, max);
    if (n < 1) throw new UsageError(`${flag}: ${p} must be at least 1`, p);
    return n;
  });
}

/** Parses `--page-size`: an arm64 host page size, `4k`, `16k`, `64k` or bytes. */
export function parsePageSize(text: string): PageSize {
  const n = /^(4|16|64)k$/i.test(text) ? Number(text.slice(0, -1)) * 1024 : Number(text);
  if (!(PAGE_SIZES as readonly number[]).includes(n)) throw new UsageError(`--page-size: "${text}" is not an arm64 page size (4k, 16k or 64k)`, text);
  return n as PageSize;
}
