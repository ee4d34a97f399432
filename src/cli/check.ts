/**
 * `vsgi check <engine file>`: a plugin engine against the reference, the conformance vectors and
 * the bundled real traces. Exit 0 correct, 1 on a counterexample (or when nothing could be
 * checked), 2 when the engine does not load or compile, or on a usage error.
 */
import type { Command } from "commander";
import { VsgiError } from "../errors.ts";
import { checkEngine, formatCheck, loadEngineFile } from "../check/index.ts";
import { parseNonNegativeInt, printJson } from "./util.ts";

/** Default number of random cases. */
export const DEFAULT_CHECK_RUNS = 300;

function fail(e: VsgiError, json: boolean): void {
  process.stderr.write(json ? `${JSON.stringify({ schema: "vsgi-error/1", error: { code: e.code, message: e.message } })}\n` : `error: ${e.message.replace(/\n/g, "\n  ")}\n`);
  process.exitCode = 2;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("test a dispatch engine (.mjs/.js/.ts module or .c over the C engine ABI) against the reference: random layouts and writes (shrunk counterexample), conformance vectors, real traces")
    .argument("<engine>", "engine file: .mjs, .js, .ts (needs tsx) or .c (needs a C compiler)")
    .option("--seed <n>", "seed of the random cases (default: random, printed)")
    .option("--runs <n>", "number of random cases", String(DEFAULT_CHECK_RUNS))
    .option("--json", "print one JSON object (schema vsgi-check/1)")
    .action(async (file: string, opts: { seed?: string; runs: string; json?: boolean }) => {
      const json = opts.json === true;
      try {
        const seed = opts.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : parseNonNegativeInt(opts.seed, "--seed", 0x7fff_ffff);
        const runs = parseNonNegativeInt(opts.runs, "--runs", 1_000_000);
        const plugin = await loadEngineFile(file);
        const report = await checkEngine(plugin, { seed, runs: Math.max(1, runs) });
        if (json) printJson(report);
        else process.stdout.write(`${formatCheck(report)}\n`);
        process.exitCode = report.verdict === "pass" ? 0 : 1;
      } catch (e) {
        if (e instanceof VsgiError) fail(e, json);
        else throw e;
      }
    });
}
