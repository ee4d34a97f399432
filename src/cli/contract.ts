/**
 * The contract every `vsgi` command keeps (issue 13), in one place:
 *
 * - **Exit status**: 0 success; 1 a check failed (replay mismatch, SGIs lost under stress, a
 *   counterexample); 2 a usage or input error (bad flag, bad value, unreadable or malformed file).
 *   70 is left for a bug in vsgi itself (an exception that is not a `VsgiError`).
 * - **Errors** are one line on stderr, `error: <message>`, and nothing on stdout. Under `--json`
 *   the line is one JSON object instead: `{"error":{"code","message","where"}}`.
 * - **JSON output** (`--json`) is one object on stdout whose first field is
 *   `"schema": "vsgi-<command>/1"`; `schemas/vsgi-<command>.schema.json` describes it.
 * - **A failed check is not an error**: the full result is still printed (under `--json` it is
 *   the JSON object on stdout), then stderr gets one `error:` line (or JSON object, code
 *   `check-failed`) and the status is 1.
 *
 * A command wraps its action in `action()`, prints its result with `printJson(command, result)`,
 * and reports a failed check with `checkFailed(message)`. Throwing a `VsgiError` is the way to
 * refuse bad input. `test/cli/contract.test.ts` checks every registered command against this.
 */
import { VsgiError } from "../errors.ts";
import { escapeControl } from "../util/printable.ts";

/** Exit statuses of `vsgi`. */
export const ExitCode = {
  Ok: 0,
  CheckFailed: 1,
  Usage: 2,
  /** A bug in vsgi (an unexpected exception); reported on one line like any error. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes the CLI's JSON errors carry: a `VsgiError`'s code, or one of the CLI's own. */
export type CliErrorCode = VsgiError["code"] | "check-failed" | "internal";

/** The one JSON object printed on stderr for an error under `--json`. */
export interface JsonError {
  readonly error: { readonly code: CliErrorCode; readonly message: string; readonly where: string | null };
}

/** True when the command line asks for JSON (`--json` before any `--`). */
export function wantsJson(argv: readonly string[] = process.argv): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** The `schema` value of a command's JSON output. */
export function schemaOf(command: string): `vsgi-${string}/1` {
  return `vsgi-${command}/1`;
}

/**
 * Prints a command's result as one JSON object on stdout, `schema` first.
 * @throws Error when `result` already carries a different schema (a bug).
 */
export function printJson(command: string, result: object): void {
  const schema = schemaOf(command);
  const given = (result as { schema?: unknown }).schema;
  if (given !== undefined && given !== schema) throw new Error(`${command}: result carries schema ${String(given)}, expected ${schema}`);
  process.stdout.write(`${JSON.stringify({ schema, ...result }, null, 2)}\n`);
}

/** Writes one error per the contract (a line, or a JSON object under `--json`) on stderr. */
export function writeError(code: CliErrorCode, message: string, where?: string): void {
  if (wantsJson()) {
    const e: JsonError = { error: { code, message, where: where ?? null } };
    process.stderr.write(`${JSON.stringify(e)}\n`);
  } else {
    // One line, and nothing from the input may drive the terminal (ANSI escapes, CR, LF).
    process.stderr.write(`error: ${escapeControl(message)}\n`);
  }
}

/** Reports a failed check after the result was printed: one error on stderr, exit status 1. */
export function checkFailed(message: string, where?: string): void {
  writeError("check-failed", message, where);
  process.exitCode = ExitCode.CheckFailed;
}

/** Reports any exception thrown by a command and returns the exit status it maps to. */
export function reportError(e: unknown): ExitCode {
  // The reader of our stdout went away (`vsgi … | head`): stop quietly, like any Unix filter.
  if ((e as { code?: unknown } | null)?.code === "EPIPE") process.exit(ExitCode.Ok);
  if (e instanceof VsgiError) {
    writeError(e.code, e.message, e.where);
    return ExitCode.Usage;
  }
  const message = e instanceof Error ? e.message : String(e);
  writeError("internal", `internal error (a bug in vsgi, please report it): ${message}`);
  if (process.env.VSGI_DEBUG === "1" && e instanceof Error && e.stack !== undefined) process.stderr.write(`${e.stack}\n`);
  return ExitCode.Internal;
}

/**
 * Wraps a command's action: any exception is reported per the contract (`VsgiError` → exit 2,
 * anything else → exit 70) with nothing more on stdout.
 */
export function action<A extends unknown[]>(fn: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}
