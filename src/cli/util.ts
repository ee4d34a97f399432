/** Helpers shared by the CLI commands: argument parsing and error reporting. */
import { UsageError, VsgiError } from "../errors.ts";

/**
 * Wraps a command action: a `VsgiError` (bad input) prints one `error: …` line on stderr and
 * exits 1 with nothing on stdout; anything else is a bug and is reported with its stack.
 */
export function action<A extends unknown[]>(fn: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof VsgiError) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw e;
    }
  };
}

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

/** Writes one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
