/**
 * `vsgi lab`, the end-to-end run: the benchmark sweep, a replay of every bundled real trace (and
 * any given), the cost model, then the report (report/index.html + report/results.json).
 * A part that fails is recorded as missing with the reason, so the report never shows a number
 * that was not measured.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { basename, join, resolve } from "node:path";
import { runBench } from "../bench/run.ts";
import { type ModelReport, modelReport } from "../model/report.ts";
import { UsageError } from "../errors.ts";
import { checkLabOut, writeLabFiles } from "./output.ts";
import { replayTrace } from "../trace/replay.ts";
import { packageRoot } from "../util/package-root.ts";
import { buildExplorerBundle } from "../report/bundle.ts";
import { renderReport } from "../report/page.ts";
import type { ExplorerScript } from "../report/sections/explorer.ts";
import { type BenchOutput, isMissing, type LabResults, type Machine, type Missing, type TraceFailure, type TraceReplay } from "../report/types.ts";

/** Options of one lab run. */
export interface LabOptions {
  /** Output folder (created). */
  readonly out: string;
  /** The quick sweep (fewer sizes, shorter timing) instead of the full one. */
  readonly quick: boolean;
  /** Extra traces to replay besides the bundled ones. */
  readonly traces?: readonly string[];
  /** Skip the bundled traces (tests). */
  readonly noBundledTraces?: boolean;
  /** Options passed to the benchmark as they are (tests use a tiny sweep). */
  readonly bench?: Readonly<Record<string, unknown>>;
  /** Plugin engines (vsgi lab --engine), already registered: TS/JS ones are bundled into the explorer. */
  readonly plugins?: readonly { readonly name: string; readonly file: string; readonly kind: string }[];
  /** Skip the benchmark, recording why (tests). */
  readonly skipBench?: string;
}

/** Progress of the run: a phase and, within it, done/total steps. */
export interface LabProgress {
  readonly phase: "bench" | "traces" | "model" | "report";
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/** What a lab run wrote. */
export interface LabOutcome {
  readonly results: LabResults;
  readonly htmlPath: string;
  readonly jsonPath: string;
  readonly htmlBytes: number;
}

/** VM sizes of `vsgi lab --quick`. */
export const LAB_QUICK_VCPUS = [16, 64, 256, 512] as const;

/** The repository (or package) root. */
export const REPO_ROOT = packageRoot();

/** The bundled real traces: fixtures/*.log.gz and fixtures/shared/*.log.gz in the repository, and ../shared/fixtures beside it. */
export function bundledTraces(root = REPO_ROOT): string[] {
  const found = new Map<string, string>();
  for (const dir of [join(root, "fixtures"), join(root, "fixtures", "shared"), join(root, "..", "shared", "fixtures")]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      // The same capture may be bundled in both places: replay it once.
      if (name.endsWith(".log.gz") && !found.has(name)) found.set(name, join(dir, name));
    }
  }
  return [...found.values()];
}

/** The package version, from package.json at the root. */
const VERSION = ((): string => {
  try {
    return String((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version?: unknown }).version ?? "unknown");
  } catch {
    return "unknown";
  }
})();

function localMachine(): Machine {
  const c = cpus();
  return { node: process.version, cpus: c.length, cpuModel: c[0]?.model.trim() ?? "unknown CPU", date: new Date().toISOString() };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function runBenchPart(options: LabOptions, onProgress: (p: LabProgress) => void): Promise<BenchOutput | Missing> {
  if (options.skipBench !== undefined) return { missing: options.skipBench };
  try {
    // The quick sweep's own sizes (64, 512) give two points per line; the lab adds 16 and 256 so
    // the log–log charts show the slope, at about twice the benchmark's quick time.
    const sizes = options.quick ? { vcpus: LAB_QUICK_VCPUS } : {};
    return await runBench({ quick: options.quick, ...sizes, ...options.bench }, (done, total, label) => onProgress({ phase: "bench", done, total, label }));
  } catch (e) {
    return { missing: `the benchmark failed: ${message(e)}` };
  }
}

async function runTracesPart(paths: readonly string[], onProgress: (p: LabProgress) => void): Promise<LabResults["traces"]> {
  if (paths.length === 0) return { missing: "no trace found (fixtures/*.log.gz, fixtures/shared/*.log.gz, ../shared/fixtures/*.log.gz) and none given with --trace" };
  const replays: (TraceReplay | TraceFailure)[] = [];
  for (const [i, path] of paths.entries()) {
    onProgress({ phase: "traces", done: i, total: paths.length, label: basename(path) });
    try {
      const r = await replayTrace(path);
      replays.push({ ...r, trace: basename(path), bytes: statSync(path).size });
    } catch (e) {
      replays.push({ trace: basename(path), error: message(e) });
    }
  }
  onProgress({ phase: "traces", done: paths.length, total: paths.length, label: "" });
  return { replays };
}

async function runModelPart(tracePaths: readonly string[], traces: LabResults["traces"], notes: string[]): Promise<ModelReport | Missing> {
  // Fit the model's real-trace mixes only to traces that replayed cleanly.
  // A GICv2 log (GICD_SGIR) has no ICC_SGI1R writes to fit a Linux GICv3 mix to.
  const ok = isMissing(traces) ? [] : traces.replays.filter((r) => !("error" in r) && r.gicv2 === undefined).map((r) => r.trace);
  const paths = tracePaths.filter((p) => ok.includes(basename(p)));
  try {
    return await modelReport({ traces: paths });
  } catch (e) {
    if (paths.length === 0) return { missing: `the cost model failed: ${message(e)}` };
    // A trace the model cannot fit a profile to should not cost the whole section.
    notes.push(`cost model: the real-trace mixes were left out (${message(e)})`);
    try {
      return await modelReport({});
    } catch (e2) {
      return { missing: `the cost model failed: ${message(e2)}` };
    }
  }
}

/**
 * Runs the lab and writes the report.
 * @example await runLab({ out: "report", quick: true }, () => {}) // report/index.html
 */
export async function runLab(options: LabOptions, onProgress: (p: LabProgress) => void = () => {}): Promise<LabOutcome> {
  const t0 = performance.now();
  const started = new Date().toISOString();
  const tracePaths = [...(options.noBundledTraces === true ? [] : bundledTraces()), ...(options.traces ?? []).map((t) => resolve(t))];
  for (const t of options.traces ?? []) if (!existsSync(t)) throw new UsageError(`trace ${t}: no such file`, t);
  // Before the sweep: a bad --out must not cost a run of several minutes.
  checkLabOut(options.out, tracePaths);
  const bench = await runBenchPart(options, onProgress);
  const traces = await runTracesPart(tracePaths, onProgress);
  onProgress({ phase: "model", done: 0, total: 1, label: "cost model" });
  const notes: string[] = [];
  const model = await runModelPart(tracePaths, traces, notes);
  onProgress({ phase: "report", done: 0, total: 1, label: "report" });
  let explorer: ExplorerScript;
  try {
    const plugins = options.plugins ?? [];
    explorer = { js: await buildExplorerBundle(plugins.filter((p) => p.kind !== "c")) };
    for (const p of plugins) if (p.kind === "c") notes.push(`plugin ${p.name} (${p.file}) is a C engine: in the bench it is timed by vsgi bench --engine's native plugin bench, and the page's explorer cannot run it`);
  } catch (e) {
    explorer = { missing: `the explorer script could not be built (esbuild is a dev dependency: run npm ci): ${message(e)}` };
  }
  const machine = "missing" in bench ? localMachine() : bench.machine;
  const results: LabResults = {
    schema: "vsgi-lab/1",
    tool: { name: "vsgi", version: VERSION },
    started,
    durationMs: 0,
    options: { quick: options.quick, traces: tracePaths.map((p) => basename(p)) },
    machine,
    bench,
    traces,
    model,
    notes,
  };
  const jsonPath = join(options.out, "results.json");
  const htmlPath = join(options.out, "index.html");
  // The duration covers every measurement; rendering and writing take milliseconds after it.
  const final: LabResults = { ...results, durationMs: Math.round(performance.now() - t0) };
  const html = renderReport(final, explorer);
  await writeLabFiles(options.out, { "results.json": `${JSON.stringify(final, null, 2)}\n`, "index.html": html }, tracePaths);
  onProgress({ phase: "report", done: 1, total: 1, label: "done" });
  return { results: final, htmlPath, jsonPath, htmlBytes: Buffer.byteLength(html) };
}
