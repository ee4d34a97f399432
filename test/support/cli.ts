/** Runs the real `vsgi` binary (from dist/, built by `npm test`'s pretest step). */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/vsgi.js", import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { readonly timeoutMs?: number; readonly cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: options.timeoutMs ?? 60_000, cwd: options.cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
