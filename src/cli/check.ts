/**
 * `vsgi check <engine file>`: a plugin engine against the reference, the conformance vectors and
 * the bundled real traces. Exit 0 correct, 1 on a counterexample (or when the engine refused
 * every layout, so nothing was checked, or when an engine call did not return within
 * --timeout-ms, or the engine crashed), 2 when the engine does not load or compile, or on a
 * usage error (contract.ts).
 */
import { spawnSync } from "node:child_process";
import { writeSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { checkEngine, formatCheck, loadEngineFile } from "../check/index.ts";
import { type CheckTimeoutReport, checkTimeout, formatTimeout, timeoutSummary } from "../check/timeout.ts";
import { DEFAULT_CALL_TIMEOUT_MS, type StuckCall, Watchdog } from "../check/watchdog.ts";
import { action, checkFailed, printJson, writeError } from "./contract.ts";
import { parseNonNegativeInt } from "./util.ts";

/** Set in the child that runs the check: the file descriptor of the pipe to the parent. */
const IN_CHILD = "VSGI_CHECK_CHILD";
const PIPE_FD = 3;

/** Default number of random cases. */
export const DEFAULT_CHECK_RUNS = 300;

interface Options {
  readonly seed: number;
  readonly runs: number;
  readonly timeoutMs: number;
  readonly json: boolean;
}

/** What the child sent on the pipe. */
interface FromChild {
  engine?: CheckTimeoutReport["engine"];
  parts: Record<string, unknown>;
  timeout?: StuckCall;
}

function readPipe(text: string): FromChild {
  const out: FromChild = { parts: {} };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = JSON.parse(line) as { engine?: FromChild["engine"]; part?: string; value?: unknown; timeout?: StuckCall };
    if (m.engine !== undefined) out.engine = m.engine;
    if (m.part !== undefined) out.parts[m.part] = m.value;
    if (m.timeout !== undefined) out.timeout = m.timeout;
  }
  return out;
}

/**
 * The engine runs in a child vsgi, never in this process: a C engine that crashes (a wild pointer,
 * a stack overflow) kills only the child, and a call that loops forever is stopped by the child's
 * watchdog (src/check/watchdog.ts). Either way this parent reports a failed check (status 1) with
 * the command to reproduce it.
 */
function checkInChild(file: string, script: string, o: Options): void {
  const args = [...process.argv.slice(2)];
  if (!args.includes("--seed")) args.push("--seed", String(o.seed));
  const r = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    env: { ...process.env, [IN_CHILD]: String(PIPE_FD) },
    maxBuffer: 256 * 1024 * 1024,
  });
  const piped = r.output?.[PIPE_FD];
  const got = readPipe(piped === null || piped === undefined ? "" : piped.toString("utf8"));
  if (got.timeout !== undefined) {
    const kind = /\.c$/i.test(file) ? "c" : /\.m?ts$/i.test(file) ? "ts" : "js";
    const engine = got.engine ?? { file, name: basename(file).replace(/\.(c|ts|mts|mjs|js)$/i, ""), kind, origin: "(the engine did not finish loading)" };
    const rerunArgs = ["--seed", String(o.seed), "--runs", String(o.runs), "--timeout-ms", String(o.timeoutMs)];
    const report: CheckTimeoutReport = {
      schema: "vsgi-check/1",
      engine,
      verdict: "timeout",
      seed: o.seed,
      ...(got.parts as Partial<Pick<CheckTimeoutReport, "property" | "vectors" | "traces" | "complexity">>),
      timeout: checkTimeout(got.timeout, file, o.seed, rerunArgs),
    };
    if (o.json) printJson("check", report);
    else process.stdout.write(`${formatTimeout(report)}\n`);
    checkFailed(timeoutSummary(report));
  } else if (r.signal !== null) {
    const how = /\.c$/i.test(file) ? `the C engine ${file} crashed the check (${r.signal}); re-run the same command (same --seed ${String(o.seed)}) under gdb --args to see where` : `the engine ${file} killed the check (${r.signal}); re-run the same command (same --seed ${String(o.seed)})`;
    writeError("check-failed", how);
    process.exitCode = 1;
  } else {
    process.exitCode = r.status ?? 1;
  }
}

/** The check itself; in the child, with the watchdog, telling the parent each part as it completes. */
async function runCheck(file: string, o: Options, fd: number | undefined): Promise<void> {
  const dog = fd !== undefined ? new Watchdog(o.timeoutMs, fd) : undefined;
  const send = (m: object): void => {
    if (fd !== undefined) writeSync(fd, `${JSON.stringify(m)}\n`);
  };
  try {
    dog?.part("load");
    const plugin = dog !== undefined ? await dog.callAsync("load", () => loadEngineFile(file)) : await loadEngineFile(file);
    send({ engine: { file: plugin.file, name: plugin.name, kind: plugin.kind, origin: plugin.origin } });
    const report = await checkEngine(plugin, { seed: o.seed, runs: o.runs, ...(dog !== undefined ? { watchdog: dog, onPart: (part, value) => send({ part, value }) } : {}) });
    if (o.json) printJson("check", report);
    else process.stdout.write(`${formatCheck(report)}\n`);
    if (report.verdict === "counterexample") checkFailed(`${plugin.name} disagrees with the reference (counterexample above; seed ${String(o.seed)})`);
    else if (report.verdict === "nothing-checked") checkFailed(`${plugin.name} refused every random layout, so nothing was checked`);
  } finally {
    dog?.stop();
  }
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "test a dispatch engine (.mjs/.js/.ts module or .c over the C engine ABI) against the reference: random layouts and writes with a shrunk counterexample, the conformance vectors, the bundled real traces, and its visits per write against VM size",
    )
    .argument("<engine>", "engine file: .mjs, .js, .ts (needs tsx) or .c (needs a C compiler)")
    .option("--seed <n>", "seed of the random cases (default: random, printed)")
    .option("--runs <n>", "number of random cases", String(DEFAULT_CHECK_RUNS))
    .option("--timeout-ms <n>", "fail the check when one prepare() or dispatch() call of the engine takes longer (loading gets at least 60000)", String(DEFAULT_CALL_TIMEOUT_MS))
    .option("--json", "print one JSON object (schema vsgi-check/1)")
    .action(
      action(async (file: string, opts: { seed?: string; runs: string; timeoutMs: string; json?: boolean }) => {
        const seed = opts.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : parseNonNegativeInt(opts.seed, "--seed", 0x7fff_ffff);
        const runs = Math.max(1, parseNonNegativeInt(opts.runs, "--runs", 1_000_000));
        const timeoutMs = Math.max(1, parseNonNegativeInt(opts.timeoutMs, "--timeout-ms", 3_600_000));
        const o: Options = { seed, runs, timeoutMs, json: opts.json === true };
        const fd = process.env[IN_CHILD] === String(PIPE_FD) ? PIPE_FD : undefined;
        const script = process.argv[1];
        if (fd === undefined && script !== undefined) checkInChild(file, script, o);
        else await runCheck(file, o, fd);
      }),
    );
}
