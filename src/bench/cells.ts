/**
 * The measured part of a benchmark run: for every topology × workload, one seeded batch, its
 * true targets, and every engine and floor timed on it (in a fresh worker per cell unless
 * `isolate` is off), turned into result rows with visits and ratios.
 */
import { type PreparedEngine, prepareEngines } from "../engines/index.ts";
import type { Topology } from "../topology/topology.ts";
import { seedFor } from "../workload/rng.ts";
import type { Workload, WriteBatch } from "./batch.ts";
import { type CellJob, measureCell } from "./cell.ts";
import { measureCellIsolated } from "./isolate.ts";
import type { NativeCell } from "./native.ts";
import { layoutOf, type Settings } from "./settings.ts";
import { type BatchTargets, resolveTargets } from "./targets.ts";
import type { CellTiming } from "./timing.ts";
import { type BenchResult, FLOOR_KINDS, type FloorResult, type SkippedCell } from "./types.ts";
import { WorkloadUnsupportedError } from "./workload-error.ts";

/** a / b, or null where an operand is missing or b is 0. */
export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;

/** Everything the cells produced, and the batches the native anchor reruns. */
export interface CellsOutcome {
  readonly results: BenchResult[];
  readonly floors: FloorResult[];
  readonly skipped: SkippedCell[];
  readonly nativeCells: Map<Topology, NativeCell[]>;
}

/** Generates a cell's batch, or says why the workload cannot run on `topology`. */
async function generateBatch(workload: Workload, topology: Topology, s: Settings): Promise<WriteBatch | string> {
  const why = workload.unsupported?.(topology);
  if (why !== undefined) return why;
  try {
    return await workload.generate({ topology, writes: s.writes, seed: seedFor(s.seed, workload.name, topology.name) });
  } catch (e) {
    if (!(e instanceof WorkloadUnsupportedError)) throw e;
    return e.message;
  }
}

/** The result row of one engine in one timed cell. */
function resultRow(p: PreparedEngine, t: CellTiming | undefined, base: Omit<BenchResult, "engine" | "supported" | "visitsPerWrite" | "nsPerWrite" | "wallNsPerWrite" | "spread" | "minNs" | "maxNs" | "vsLinear" | "vsMpidrIndex" | "vsFloor" | "vsSinkFloor" | "reps">, ns: (name: string) => number | null): BenchResult {
  const { engine, support } = p;
  if (!support.supported || t === undefined) {
    return {
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
    };
  }
  const mine = t.ns.median;
  return {
    engine: engine.name,
    ...base,
    supported: true,
    // A size past the peer's limit is a projection of the algorithm: the note says so.
    ...(support.note !== undefined || support.projection !== undefined ? { note: [support.note, support.projection].filter((x) => x !== undefined).join("; ") } : {}),
    visitsPerWrite: t.visits / base.writes,
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
  };
}

/** Times one cell and appends its floors and result rows. */
async function timeCell(s: Settings, topology: Topology, workload: Workload, prepared: readonly PreparedEngine[], batch: WriteBatch, targets: BatchTargets, out: CellsOutcome): Promise<void> {
  const job: CellJob = {
    topology: { name: topology.name, affinity: topology.affinity, rss: topology.rss },
    engines: prepared.filter((p) => p.support.supported).map((p) => p.engine.name),
    batch,
    targets,
    rounds: s.rounds,
    passMs: s.passMs,
    ...(s.workerSetup !== undefined ? { setup: s.workerSetup } : {}),
  };
  const timing = new Map(Object.entries(s.isolate ? await measureCellIsolated(job) : measureCell(job)));
  const ns = (name: string): number | null => timing.get(name)?.ns.median ?? null;
  for (const kind of FLOOR_KINDS) {
    const t = timing.get(kind)!;
    out.floors.push({ kind, workload: workload.name, topology: topology.name, vcpus: topology.count, nsPerWrite: t.ns.median, wallNsPerWrite: t.wallNs.median, spread: t.ns.spread });
  }
  const base = { workload: workload.name, topology: topology.name, layout: layoutOf(topology.name), vcpus: topology.count, targetsPerWrite: targets.total / batch.count, rounds: s.rounds, writes: batch.count };
  for (const p of prepared) out.results.push(resultRow(p, timing.get(p.engine.name), base, ns));
}

/** Runs every cell of `s`, calling `step` before each. */
export async function measureCells(s: Settings, step: (label: string) => Promise<void>): Promise<CellsOutcome> {
  const out: CellsOutcome = { results: [], floors: [], skipped: [], nativeCells: new Map() };
  for (const topology of s.topologies) {
    const prepared = prepareEngines(topology, s.engines);
    for (const workload of s.workloads) {
      await step(`${topology.name} ${workload.name}`);
      const batch = await generateBatch(workload, topology, s);
      if (typeof batch === "string") {
        out.skipped.push({ workload: workload.name, topology: topology.name, reason: batch });
        continue;
      }
      const targets = resolveTargets(topology, batch);
      await timeCell(s, topology, workload, prepared, batch, targets, out);
      if (!topology.rss) (out.nativeCells.get(topology) ?? out.nativeCells.set(topology, []).get(topology)!).push({ workload: workload.name, batch, targets });
    }
  }
  return out;
}
