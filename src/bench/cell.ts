/**
 * One benchmark cell — every engine and the three floors timed on one batch of writes — as a
 * self-contained job, so it can run in a fresh worker thread. A fresh isolate gives every cell
 * the same JIT history: in a long-lived process the engines' optimised code depends on which
 * cells ran before (an engine that has met IRM and multi-target writes elsewhere may no longer be
 * inlined into its runner), and the same cell was measured up to 1.7× apart between runs.
 */
import { newSgiWrite } from "../arch/sgi-register.ts";
import { type EngineName, prepareEngines } from "../engines/index.ts";
import { SgiState } from "../state/sgi-state.ts";
import { Topology } from "../topology/topology.ts";
import type { BatchTargets } from "./targets.ts";
import { bigintFloorRunner, type CellTiming, engineRunner, floorRunner, type PassInput, sinkFloorRunner, type Subject, timeCell } from "./timing.ts";
import type { WriteBatch } from "./batch.ts";
import type { WorkerSetup } from "./types.ts";

/** Everything a cell needs, as plain data (it crosses a thread boundary). */
export interface CellJob {
  readonly topology: { readonly name: string; readonly affinity: Uint32Array; readonly rss: boolean };
  /** Engines to time (the supported ones). */
  readonly engines: readonly EngineName[];
  readonly batch: WriteBatch;
  readonly targets: BatchTargets;
  readonly rounds: number;
  readonly passMs: number;
  /** What the worker runs before timing (plugin engines register themselves there). */
  readonly setup?: WorkerSetup;
}

/** Timing per subject name (engines and floors). */
export type CellResult = Record<string, CellTiming>;

/** Runs one cell in this thread. */
export function measureCell(job: CellJob): CellResult {
  const topology = new Topology(job.topology.name, job.topology.affinity, job.topology.rss);
  const { batch } = job;
  const values = new BigUint64Array(batch.count);
  for (let i = 0; i < batch.count; i++) values[i] = (BigInt(batch.hi[i]!) << 32n) | BigInt(batch.lo[i]!);
  const input: PassInput = { batch, targets: job.targets, state: new SgiState(topology.count), values, write: newSgiWrite() };
  const subjects: Subject[] = [
    { name: "floor", runner: floorRunner() },
    { name: "sink-floor", runner: sinkFloorRunner() },
    { name: "bigint-floor", runner: bigintFloorRunner() },
  ];
  for (const p of prepareEngines(topology, job.engines)) if (p.support.supported) subjects.push({ name: p.engine.name, runner: engineRunner(p.engine) });
  return Object.fromEntries(timeCell(subjects, input, job.rounds, job.passMs));
}
