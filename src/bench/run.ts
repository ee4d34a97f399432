/**
 * `runBench`: the benchmark behind `vsgi bench` and `vsgi lab`. For every topology × workload
 * it generates one seeded batch of encoded writes, resolves their true targets, then times every
 * engine and three floors on that batch in interleaved rounds (src/bench/timing.ts), in a fresh
 * worker thread per cell (src/bench/cell.ts), counts visits from the engines' return values, and
 * derives the ratios. The native anchor and the memory measurement follow. Timings are
 * reported, never asserted.
 */
import { arch, cpus, loadavg, platform } from "node:os";
import { ENGINE_NAMES, type EngineName, prepareEngines } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { MAX_VCPUS } from "../topology/topology.ts";
import { loadTopology } from "../topology/index.ts";
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { evaluateGoals, type GoalResult } from "./goals.ts";
import { measureMemory, type MemoryResult } from "./memory.ts";
import { buildNative, type NativeCell, runNative } from "./native.ts";
import { seedFor } from "./rng.ts";
import { resolveTargets } from "./targets.ts";
import { type CellJob, measureCell } from "./cell.ts";
import { measureCellIsolated } from "./isolate.ts";
import { type CellTiming, stats } from "./timing.ts";
import { WorkloadUnsupportedError } from "./workload-error.ts";
import { BUILTIN_WORKLOADS, resolveWorkload, type Workload, type WriteBatch } from "./workloads.ts";

/** What to run. Every field is optional; `quick` changes the defaults. */
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

const FULL_VCPUS = [4, 16, 64, 256, 512, 4096] as const;
const QUICK_VCPUS = [64, 512] as const;
const DEFAULT_LAYOUTS = ["kvm", "sparse"] as const;

function layoutOf(spec: string): string {
  const m = /^([a-z]+):/.exec(spec);
  return m?.[1] ?? spec;
}

function checkPositive(n: number, what: string, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${what} must be an integer in 1..${String(max)}, got ${String(n)}`, String(n));
  return n;
}

interface Settings {
  readonly quick: boolean;
  readonly rounds: number;
  readonly writes: number;
  readonly passMs: number;
  readonly seed: number;
  readonly topologies: Topology[];
  readonly engines: EngineName[];
  readonly workloads: Workload[];
  readonly native: boolean;
  readonly memory: boolean;
  readonly memoryVcpus: number;
  readonly layouts: readonly string[];
  readonly isolate: boolean;
}

function settle(o: BenchOptions): Settings {
  const quick = o.quick === true;
  const vcpus = o.vcpus ?? (quick ? QUICK_VCPUS : FULL_VCPUS);
  for (const n of vcpus) checkPositive(n, "--vcpus", MAX_VCPUS);
  const layouts = o.layouts ?? DEFAULT_LAYOUTS;
  const specs = o.topologies ?? layouts.flatMap((l) => vcpus.map((n) => `${l}:${String(n)}`));
  if (specs.length === 0) throw new UsageError("no topology to benchmark");
  const topologies = specs.map((s) => loadTopology(s));
  const engines = [...(o.engines ?? ENGINE_NAMES)];
  if (engines.length === 0) throw new UsageError("no engine to benchmark");
  const workloads = (o.workloads ?? BUILTIN_WORKLOADS.map((w) => w.name)).map((n) => resolveWorkload(n));
  if (workloads.length === 0) throw new UsageError("no workload to benchmark");
  return {
    quick,
    rounds: checkPositive(o.rounds ?? (quick ? 15 : 21), "--rounds", 1000),
    writes: checkPositive(o.writes ?? 2048, "--writes", 1 << 22),
    passMs: o.passMs ?? (quick ? 0.5 : 2),
    seed: o.seed ?? 1,
    topologies,
    engines,
    workloads,
    native: o.native !== false,
    memory: o.memory !== false,
    memoryVcpus: checkPositive(o.memoryVcpus ?? MAX_VCPUS, "memory vCPUs", MAX_VCPUS),
    layouts: [...new Set(topologies.map((t) => layoutOf(t.name)))],
    isolate: o.isolate !== false,
  };
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Runs the benchmark.
 * @example const report = await runBench({ quick: true }); report.results.find((r) => r.engine === "vsgi")
 */
export async function runBench(options: BenchOptions = {}, onProgress?: BenchProgress): Promise<BenchReport> {
  const s = settle(options);
  const started = Date.now();
  const results: BenchResult[] = [];
  const floors: FloorResult[] = [];
  const native: NativeResult[] = [];
  const memory: MemoryResult[] = [];
  const skipped: SkippedCell[] = [];
  const nativeCells = new Map<Topology, NativeCell[]>();
  const wantNative = s.native && s.engines.some((e) => e === "vsgi" || e === "kvm-linear");
  const cells = s.topologies.length * s.workloads.length;
  const total = cells + (wantNative ? s.topologies.length + 1 : 0) + (s.memory ? 1 : 0);
  let done = 0;
  const step = async (label: string): Promise<void> => {
    onProgress?.(done++, total, label);
    await tick();
  };

  for (const topology of s.topologies) {
    const prepared = prepareEngines(topology, s.engines);
    for (const workload of s.workloads) {
      await step(`${topology.name} ${workload.name}`);
      const why = workload.unsupported?.(topology);
      const seed = seedFor(s.seed, workload.name, topology.name);
      if (why !== undefined) {
        skipped.push({ workload: workload.name, topology: topology.name, reason: why });
        continue;
      }
      let batch: WriteBatch;
      try {
        batch = await workload.generate({ topology, writes: s.writes, seed });
      } catch (e) {
        if (!(e instanceof WorkloadUnsupportedError)) throw e;
        skipped.push({ workload: workload.name, topology: topology.name, reason: e.message });
        continue;
      }
      const targets = resolveTargets(topology, batch);
      const job: CellJob = {
        topology: { name: topology.name, affinity: topology.affinity, rss: topology.rss },
        engines: prepared.filter((p) => p.support.supported).map((p) => p.engine.name),
        batch,
        targets,
        rounds: s.rounds,
        passMs: s.passMs,
      };
      const cell = s.isolate ? await measureCellIsolated(job) : measureCell(job);
      const timing = new Map(Object.entries(cell));
      if (!topology.rss) (nativeCells.get(topology) ?? nativeCells.set(topology, []).get(topology)!).push({ workload: workload.name, batch, targets });

      const ns = (name: string): number | null => timing.get(name)?.ns.median ?? null;
      for (const kind of FLOOR_KINDS) {
        const t = timing.get(kind)!;
        floors.push({ kind, workload: workload.name, topology: topology.name, vcpus: topology.count, nsPerWrite: t.ns.median, wallNsPerWrite: t.wallNs.median, spread: t.ns.spread });
      }
      const base = { workload: workload.name, topology: topology.name, layout: layoutOf(topology.name), vcpus: topology.count, targetsPerWrite: targets.total / batch.count, rounds: s.rounds, writes: batch.count };
      for (const { engine, support } of prepared) {
        const t: CellTiming | undefined = timing.get(engine.name);
        if (!support.supported || t === undefined) {
          results.push({
            engine: engine.name,
            ...base,
            supported: false,
            unsupported: support.supported ? "not timed" : support.reason,
            visitsPerWrite: null,
            nsPerWrite: null,
            wallNsPerWrite: null,
            spread: null,
            minNs: null,
            maxNs: null,
            vsLinear: null,
            vsMpidrIndex: null,
            vsFloor: null,
            vsSinkFloor: null,
            reps: 0,
          });
          continue;
        }
        const mine = t.ns.median;
        results.push({
          engine: engine.name,
          ...base,
          supported: true,
          ...(support.note !== undefined ? { note: support.note } : {}),
          visitsPerWrite: t.visits / batch.count,
          nsPerWrite: mine,
          wallNsPerWrite: t.wallNs.median,
          spread: t.ns.spread,
          minNs: t.ns.min,
          maxNs: t.ns.max,
          vsLinear: ratio(ns("kvm-linear"), mine),
          vsMpidrIndex: ratio(ns("kvm-mpidr-index"), mine),
          vsFloor: ratio(mine, ns("floor")),
          vsSinkFloor: ratio(mine, ns("sink-floor")),
          reps: t.reps,
        });
      }
    }
  }

  let nativeStatus: BenchReport["nativeStatus"] = { ran: false, reason: "disabled (--no-native)" };
  if (wantNative) {
    await step("native anchor: build");
    const build = buildNative();
    if (!build.ok) {
      nativeStatus = { ran: false, reason: build.reason };
      done += s.topologies.length;
    } else {
      nativeStatus = { ran: true, compiler: build.compiler, flags: build.flags };
      for (const topology of s.topologies) {
        await step(`native anchor: ${topology.name}`);
        const cellsOf = nativeCells.get(topology) ?? [];
        if (cellsOf.length === 0) continue;
        for (const sample of runNative(build.binary, topology, cellsOf, s.rounds, s.passMs)) {
          const st = stats(sample.ns);
          const count = cellsOf.find((c) => c.workload === sample.workload)?.batch.count ?? 1;
          const js =
            sample.algorithm === "floor"
              ? floors.find((f) => f.kind === "floor" && f.workload === sample.workload && f.topology === topology.name)
              : results.find((r) => r.engine === sample.algorithm && r.workload === sample.workload && r.topology === topology.name);
          const jsNs = js?.nsPerWrite ?? null;
          const jsVisits = js !== undefined && "visitsPerWrite" in js ? js.visitsPerWrite : null;
          const visitsPerWrite = sample.visits / count;
          native.push({
            algorithm: sample.algorithm,
            workload: sample.workload,
            topology: topology.name,
            vcpus: topology.count,
            nsPerWrite: st.median,
            spread: st.spread,
            visitsPerWrite,
            jsNsPerWrite: jsNs,
            jsOverNative: ratio(jsNs, st.median),
            visitsMatchJs: sample.algorithm === "floor" ? null : jsVisits === null ? null : Math.abs(jsVisits - visitsPerWrite) < 1e-9,
          });
        }
      }
    }
  }

  if (s.memory) {
    await step(`memory at ${String(s.memoryVcpus)} vCPUs`);
    for (const layout of s.layouts) {
      let topology: Topology;
      try {
        topology = presetTopology(`${layout}:${String(s.memoryVcpus)}`);
      } catch {
        continue;
      }
      memory.push(...measureMemory(topology, s.engines));
    }
  }
  onProgress?.(total, total, "done");

  const report: Omit<BenchReport, "goals"> = {
    machine: {
      node: process.version,
      v8: process.versions.v8,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      platform: platform(),
      arch: arch(),
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
      date: new Date().toISOString(),
    },
    settings: {
      quick: s.quick,
      rounds: s.rounds,
      writes: s.writes,
      passMs: s.passMs,
      seed: s.seed,
      isolate: s.isolate,
      topologies: s.topologies.map((t) => t.name),
      engines: s.engines,
      workloads: s.workloads.map((w) => w.name),
      seconds: (Date.now() - started) / 1000,
    },
    results,
    floors,
    native,
    nativeStatus,
    memory,
    skipped,
  };
  return { ...report, goals: evaluateGoals(report) };
}
