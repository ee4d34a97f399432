/**
 * The shape of `report/results.json`: every raw figure a lab run produced, and the only input
 * of the HTML renderer (so a report can be re-rendered from a saved run). A part that could not
 * be produced is `{ missing: <why> }` — the report says so instead of showing made-up numbers.
 */

/** A part of the run that is absent, with the reason shown in the report. */
export interface Missing {
  readonly missing: string;
}

/** Whether a section is absent. */
export function isMissing(x: unknown): x is Missing {
  return typeof x === "object" && x !== null && "missing" in x && typeof (x as Missing).missing === "string";
}

/** The machine a run was measured on. */
export interface Machine {
  /** Node version (`v20.x`). */
  readonly node: string;
  /** CPU count (or a description). */
  readonly cpus: string | number;
  readonly cpuModel?: string;
  /** ISO date of the measurement. */
  readonly date: string;
  readonly [key: string]: unknown;
}

/**
 * The spread of a timing: a ± fraction (0.05 = ±5 %), a `[lo, hi]` or `{ min, max }` range in
 * ns, or absent. The renderer normalises all of these.
 */
export type Spread = number | readonly [number, number] | { readonly min: number; readonly max: number } | { readonly lo: number; readonly hi: number } | null | undefined;

/** One benchmark cell: an engine on a workload at one VM size. */
export interface BenchResult {
  readonly engine: string;
  readonly workload: string;
  /** Topology spec (`kvm:512`). */
  readonly topology: string;
  readonly vcpus: number;
  /** Deterministic algorithmic cost: vCPU records or table slots examined per write. */
  readonly visitsPerWrite: number | null;
  /** Median time per write (ns), or null when the engine does not support the layout. */
  readonly nsPerWrite: number | null;
  /** (max − min) / median over the rounds, or a range. */
  readonly spread?: Spread;
  /** Fastest and slowest round (ns per write). */
  readonly minNs?: number | null;
  readonly maxNs?: number | null;
  /** The layout preset (`kvm`, `sparse`). */
  readonly layout?: string;
  /** kvm-linear's nsPerWrite ÷ this engine's in the same cell (> 1: faster than Linux ≤ 6.6). */
  readonly vsLinear?: number | null;
  /** nsPerWrite ÷ the floor's (decode + set one pending bit per target). */
  readonly vsFloor?: number | null;
  /** Why the engine was not measured here (unsupported layout). */
  readonly unsupported?: string;
  readonly [key: string]: unknown;
}

/** A floor measured in a cell (`floor`: decode + one raw pending bit per target). */
export interface FloorResult {
  readonly kind: string;
  readonly workload: string;
  readonly topology: string;
  readonly vcpus: number;
  readonly nsPerWrite: number;
  readonly spread?: number;
  readonly [key: string]: unknown;
}

/** One of the benchmark issue's goals, with the measured figure. */
export interface GoalResult {
  readonly id: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

/** What the benchmark sweep returns (src/bench/run.ts). */
export interface BenchOutput {
  readonly machine: Machine;
  readonly results: readonly BenchResult[];
  readonly floors?: readonly FloorResult[];
  readonly goals?: readonly GoalResult[];
  readonly nativeStatus?: { readonly ran: boolean; readonly compiler?: string; readonly flags?: string; readonly reason?: string };
  readonly settings?: Readonly<Record<string, unknown>>;
  /** JS vs native comparisons, where measured (free-form rows). */
  readonly native?: readonly Record<string, unknown>[];
  /** Memory per engine and size (free-form rows). */
  readonly memory?: readonly Record<string, unknown>[];
  readonly [key: string]: unknown;
}

/** One engine's replay of a trace. */
export type TraceEngineResult = { readonly mismatches: number; readonly visits: number; readonly [key: string]: unknown } | { readonly unsupported: string };

/** Statistics of a real trace. */
export interface TraceStats {
  /** Fraction of writes with exactly one target (0..1). */
  readonly unicastShare: number;
  /** Targets per write: a mean, or a histogram (number of targets → writes). */
  readonly targetsPerWrite: number | Readonly<Record<string, number>>;
  /** Clusters per multicast: a mean, or a histogram (number of clusters → multicasts). */
  readonly clustersPerMulticast: number | Readonly<Record<string, number>>;
  /** SGIs per INTID (`{ "1": 812 }` or an array indexed by INTID). */
  readonly byIntid: Readonly<Record<string, number>> | readonly number[];
  /** Writes with IRM = 1. */
  readonly irm: number;
  /** Writes reaching a cluster other than the sender's, over all writes. */
  readonly crossClusterShare?: number;
  /** Guest IPIs (one cpumask, possibly split into several writes). */
  readonly ipis?: number;
  readonly [key: string]: unknown;
}

/** What replaying one trace returns (src/trace/replay.ts), plus its file size. */
export interface TraceReplay {
  /** Trace file (as given, or its name). */
  readonly trace: string;
  /** File size in bytes (added by the lab). */
  readonly bytes?: number;
  /** Topology the trace was replayed on (`qemu:4`) and its size. */
  readonly topology?: string;
  readonly vcpus?: number;
  readonly writes: number;
  /** Deliveries recorded in the trace (0 when the format records none). */
  readonly deliveries: number;
  readonly stats: TraceStats;
  readonly engines: Readonly<Record<string, TraceEngineResult>>;
  /** Check against the deliveries QEMU recorded. */
  readonly oracle: { readonly checked: number; readonly mismatches: number; readonly firstMismatch?: unknown };
  readonly [key: string]: unknown;
}

/** A trace the lab could not replay. */
export interface TraceFailure {
  readonly trace: string;
  readonly error: string;
}

/** The cost model's output (src/model), rendered generically. */
export type ModelOutput = Readonly<Record<string, unknown>>;

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
  readonly model: ModelOutput | Missing;
}
