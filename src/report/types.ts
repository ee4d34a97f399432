/**
 * The shape of `report/results.json`: every raw figure a lab run produced, and the only input
 * of the HTML renderer (so a report can be re-rendered from a saved run). A part that could not
 * be produced is `{ missing: <why> }` — the report says so instead of showing made-up numbers.
 * The parts are exactly what the benchmark, the trace replay and the cost model return.
 */
import type { BenchReport, BenchResult as BenchCell } from "../bench/types.ts";
import type { ModelReport } from "../model/report.ts";
import type { ReplayReport } from "../trace/replay.ts";

/** A part of the run that is absent, with the reason shown in the report. */
export interface Missing {
  readonly missing: string;
}

/** Whether a section is absent. */
export function isMissing(x: unknown): x is Missing {
  return typeof x === "object" && x !== null && "missing" in x && typeof (x as Missing).missing === "string";
}

/** The machine a run was measured on (the benchmark's, or what the lab sees without it). */
export interface Machine {
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** ISO date of the measurement. */
  readonly date: string;
}

/** What the benchmark sweep returns (src/bench/run.ts). */
export type BenchOutput = BenchReport;
/** One benchmark cell: an engine on a workload at one VM size. */
export type BenchResult = BenchCell;

/** What replaying one trace returns (src/trace/replay.ts), plus its file size. */
export type TraceReplay = ReplayReport & {
  /** File size in bytes (added by the lab). */
  readonly bytes?: number;
};

/** A trace the lab could not replay. */
export interface TraceFailure {
  readonly trace: string;
  readonly error: string;
}

/** The whole `results.json`. */
export interface LabResults {
  readonly schema: "vsgi-lab/1";
  readonly tool: { readonly name: "vsgi"; readonly version: string };
  /** ISO time the run started. */
  readonly started: string;
  /** Wall time of the whole run (ms). */
  readonly durationMs: number;
  readonly options: { readonly quick: boolean; readonly traces: readonly string[] };
  /** The machine; from the benchmark when it ran, else what the lab sees. */
  readonly machine: Machine;
  readonly bench: BenchOutput | Missing;
  readonly traces: { readonly replays: readonly (TraceReplay | TraceFailure)[] } | Missing;
  readonly model: ModelReport | Missing;
  /** Things a reader should know about this run (a part that ran partly, …). */
  readonly notes?: readonly string[];
}
