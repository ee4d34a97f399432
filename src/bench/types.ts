/**
 * What the benchmark takes and returns: `BenchOptions`, and the `BenchReport` of `vsgi bench
 * --json` (results, floors, native anchor, memory, skipped cells, goal verdicts).
 */
import type { EngineName } from "../engines/engine.ts";
import type { MemoryResult } from "./memory.ts";

/** One goal and what the run measured for it. */
export interface GoalResult {
  readonly id: string;
  readonly goal: string;
  /** The measured figure, in words (or "not measured"). */
  readonly measured: string;
  /** true: reached; false: not reached; null: the run did not include the cells needed. */
  readonly met: boolean | null;
}

/** What to run. Every field is optional; `quick` changes the defaults. */
/**
 * A module a fresh cell worker imports before timing, and the data its `setupWorker(data)` gets:
 * how engines registered at run time (`--engine` plugins) reach the worker's own registry
 * without the bench layer knowing where they come from.
 */
export interface WorkerSetup {
  /** URL of a module exporting `setupWorker(data: unknown): Promise<void>`. */
  readonly module: string;
  readonly data: unknown;
}

export interface BenchOptions {
  /** VM sizes (default 4,16,64,256,512,4096; quick: 64,512). */
  readonly vcpus?: readonly number[];
  /** Layout presets crossed with `vcpus` (default kvm, sparse). */
  readonly layouts?: readonly string[];
  /** Explicit topologies (`kvm:512`, `sparse:4096`, or a topology JSON file); replaces `vcpus` × `layouts`. */
  readonly topologies?: readonly string[];
  /** Engines to time (default all). */
  readonly engines?: readonly EngineName[];
  /** Workload names (default the six built-ins). */
  readonly workloads?: readonly string[];
  /** Fewer rounds, shorter passes, sizes 64 and 512. */
  readonly quick?: boolean;
  /** Timed rounds per cell (default 21; quick 15): rounds are cheap next to warm-up, and many make the median robust to a noisy machine. */
  readonly rounds?: number;
  /** Writes per batch (default 2048). */
  readonly writes?: number;
  /**
   * Target duration of one timed pass in ms (default 2; quick 0.5). Short passes are less often
   * cut by the scheduler on a busy machine; the median over rounds does the rest.
   */
  readonly passMs?: number;
  /** Workload seed (default 1). */
  readonly seed?: number;
  /** Run the native anchor (default true; skipped with a reason without g++). */
  readonly native?: boolean;
  /** Measure memory (default true). */
  readonly memory?: boolean;
  /** VM size of the memory measurement (default 4096). */
  readonly memoryVcpus?: number;
  /**
   * Time each cell in a fresh worker thread (default true), so every cell starts from the same
   * JIT state; false runs cells in this thread, one after another (faster to start, but an
   * engine's code then depends on the cells that ran before).
   */
  readonly isolate?: boolean;
  /** Run in every cell worker before timing (e.g. to register plugin engines there). */
  readonly workerSetup?: WorkerSetup;
}

/** One (engine, workload, topology) measurement. Ratios are null where an operand is missing. */
export interface BenchResult {
  readonly engine: EngineName;
  readonly workload: string;
  readonly topology: string;
  /** The layout preset (`kvm`, `sparse`) or the topology name. */
  readonly layout: string;
  readonly vcpus: number;
  /** False when the engine cannot dispatch on this layout (then `unsupported` says why and nothing is timed). */
  readonly supported: boolean;
  readonly unsupported?: string;
  /** The engine's note on the layout (e.g. kvm-mpidr-index's table or linear fallback). */
  readonly note?: string;
  /** Mean visits per write (deterministic). */
  readonly visitsPerWrite: number | null;
  /** Mean true targets per write (IRM counts n − 1). */
  readonly targetsPerWrite: number;
  /**
   * Median ns per write over the rounds, from the process's CPU time per pass (time spent
   * descheduled on a busy machine does not count; `wallNsPerWrite` is the wall-clock figure).
   */
  readonly nsPerWrite: number | null;
  /** Median wall-clock ns per write over the same passes. */
  readonly wallNsPerWrite: number | null;
  /** (max − min) / median of ns per write over the rounds. */
  readonly spread: number | null;
  readonly minNs: number | null;
  readonly maxNs: number | null;
  /** kvm-linear ns / this engine's ns (> 1: faster than Linux ≤ 6.6). */
  readonly vsLinear: number | null;
  /** kvm-mpidr-index ns / this engine's ns (> 1: faster than Linux ≥ 6.7). */
  readonly vsMpidrIndex: number | null;
  /** This engine's ns / the floor's ns (decode + one raw pending bit per target). */
  readonly vsFloor: number | null;
  /** This engine's ns / the sink floor's ns (decode + SgiState.deliver per known target). */
  readonly vsSinkFloor: number | null;
  readonly rounds: number;
  /** Batch repetitions per timed pass. */
  readonly reps: number;
  readonly writes: number;
}

/** The three floors of a cell. */
export const FLOOR_KINDS = ["floor", "sink-floor", "bigint-floor"] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];

/** A floor measured in a cell. */
export interface FloorResult {
  readonly kind: FloorKind;
  readonly workload: string;
  readonly topology: string;
  readonly vcpus: number;
  readonly nsPerWrite: number;
  readonly wallNsPerWrite: number;
  readonly spread: number;
}

/** The native anchor's measurement of one algorithm in one cell, beside the JS figure. */
export interface NativeResult {
  readonly algorithm: "floor" | "kvm-linear" | "vsgi";
  readonly workload: string;
  readonly topology: string;
  readonly vcpus: number;
  readonly nsPerWrite: number;
  readonly spread: number;
  readonly visitsPerWrite: number;
  /** The JS figure for the same algorithm (engine or floor) in the same cell. */
  readonly jsNsPerWrite: number | null;
  /** JS ns / native ns. */
  readonly jsOverNative: number | null;
  /** Whether the anchor's visits equal the JS engine's (a check that both run the same algorithm). */
  readonly visitsMatchJs: boolean | null;
}

/** A cell that was not run. */
export interface SkippedCell {
  readonly workload: string;
  readonly topology: string;
  readonly reason: string;
}

/** `vsgi bench --json`. */
export interface BenchReport {
  readonly machine: {
    readonly node: string;
    readonly v8: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly platform: string;
    readonly arch: string;
    readonly loadavg: readonly number[];
    readonly date: string;
  };
  readonly settings: {
    readonly quick: boolean;
    readonly rounds: number;
    readonly writes: number;
    readonly passMs: number;
    readonly seed: number;
    /** Whether each cell ran in a fresh worker thread. */
    readonly isolate: boolean;
    readonly topologies: readonly string[];
    readonly engines: readonly EngineName[];
    readonly workloads: readonly string[];
    readonly seconds: number;
  };
  readonly results: readonly BenchResult[];
  readonly floors: readonly FloorResult[];
  readonly native: readonly NativeResult[];
  /** Whether the anchor ran: compiler and flags, or why not. */
  readonly nativeStatus: { readonly ran: boolean; readonly compiler?: string; readonly flags?: string; readonly reason?: string };
  readonly memory: readonly MemoryResult[];
  /** (workload, topology) cells not run, and why (e.g. a trace from a bigger VM). */
  readonly skipped: readonly SkippedCell[];
  /** The goals, each with the measured figure and whether it was met (null: not measured in this run). */
  readonly goals: readonly GoalResult[];
}

/** Progress callback: `done` of `total` steps, the step just started. */
export type BenchProgress = (done: number, total: number, label: string) => void;
