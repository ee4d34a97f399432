/**
 * `vsgi check <engine file>`: a plugin engine against the reference, the conformance vectors and
 * the bundled real traces. Exit 0 correct, 1 on a counterexample (or when the engine refused
 * every layout, so nothing was checked), 2 when the engine does not load or compile, or on a
 * usage error (contract.ts).
 */
import { spawnSync } from "node:child_process";
import type { Command } from "commander";
import { checkEngine, formatCheck, loadEngineFile } from "../check/index.ts";
import { action, checkFailed, printJson, writeError } from "./contract.ts";
import { parseNonNegativeInt } from "./util.ts";

/** Set in the child that runs a C engine's check (see below). */
const IN_CHILD = "VSGI_CHECK_CHILD";

/**
 * A C engine runs in-process, so a crash (a wild pointer, a stack overflow) would end vsgi with no
 * word. Its check therefore runs in a child vsgi; if that child dies by a signal, the parent says
 * so: a crash is a failed check (status 1), with the command to reproduce it.
 * @returns true when the check ran in a child (the parent has nothing more to do).
 */
function checkInChild(file: string): boolean {
  if (!file.toLowerCase().endsWith(".c") || process.env[IN_CHILD] === "1") return false;
  const script = process.argv[1];
  if (script === undefined) return false;
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], { stdio: "inherit", env: { ...process.env, [IN_CHILD]: "1" } });
  if (r.signal !== null) {
    writeError("check-failed", `the C engine ${file} crashed the check (${r.signal}); re-run the same command (same --seed) under gdb --args to see where`);
    process.exitCode = 1;
  } else {
    process.exitCode = r.status ?? 1;
  }
  return true;
}

/** Default number of random cases. */
export const DEFAULT_CHECK_RUNS = 300;

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "test a dispatch engine (.mjs/.js/.ts module or .c over the C engine ABI) against the reference: random layouts and writes with a shrunk counterexample, the conformance vectors, the bundled real traces, and its visits per write against VM size",
    )
    .argument("<engine>", "engine file: .mjs, .js, .ts (needs tsx) or .c (needs a C compiler)")
    .option("--seed <n>", "seed of the random cases (default: random, printed)")
    .option("--runs <n>", "number of random cases", String(DEFAULT_CHECK_RUNS))
    .option("--json", "print one JSON object (schema vsgi-check/1)")
    .action(
      action(async (file: string, opts: { seed?: string; runs: string; json?: boolean }) => {
        const seed = opts.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : parseNonNegativeInt(opts.seed, "--seed", 0x7fff_ffff);
        const runs = Math.max(1, parseNonNegativeInt(opts.runs, "--runs", 1_000_000));
        if (checkInChild(file)) return;
        const plugin = await loadEngineFile(file);
        const report = await checkEngine(plugin, { seed, runs });
        if (opts.json === true) printJson("check", report);
        else process.stdout.write(`${formatCheck(report)}\n`);
        if (report.verdict === "counterexample") checkFailed(`${plugin.name} disagrees with the reference (counterexample above; seed ${String(seed)})`);
        else if (report.verdict === "nothing-checked") checkFailed(`${plugin.name} refused every random layout, so nothing was checked`);
      }),
    );
}
