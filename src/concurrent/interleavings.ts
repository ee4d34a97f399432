/**
 * A model of concurrent SGI injection, explored interleaving by interleaving.
 *
 * A real-thread stress test catches a racy read-modify-write only by luck (on a 2-core machine
 * a racy variant lost SGIs in 1 run of 4 at 3·10^6 rounds). Here the protocol is cut into the
 * steps at which threads can interleave — sender set-pending (and the kick decision), receiver
 * highest-pending read, claim, activate and EOI — and every order of those steps is run, so a
 * race that exists is found every time:
 *
 * - `atomic` runs the real {@link AtomicSgiState} code: each step is one of its methods, and
 *   each of those touches shared memory with a single `Atomics` operation (or loads only).
 * - `racy` is the plain single-thread {@link SgiState} protocol (`word = word | bit`,
 *   `word = word & ~bit`, as plain `VirtualGic.acknowledge` does) with every read-modify-write
 *   split into its read step and its write step, which is what another thread can fall between.
 *
 * After the threads, a sequential drain acknowledges and EOIs whatever is left. The invariant,
 * per (vCPU, INTID): every send is followed by an acknowledge of it (a later claim; a send that
 * found the SGI already pending is coalesced into that claim) — none **lost**; every claim
 * follows a send made since the previous claim — none **phantom**; and each claim had exactly
 * one kick (a target is kicked only when it newly becomes pending).
 */
import { build, finish } from "./protocol-steps.ts";
import type { ModelScenario, ProtocolVariant } from "./scenarios.ts";

/** What one run (one interleaving) violated. */
export interface ModelViolation {
  /** Sends never followed by an acknowledge. */
  readonly lost: number;
  /** Acknowledges with no send since the previous acknowledge. */
  readonly phantom: number;
  /** Kicks minus acknowledges (≠ 0: a target was kicked for nothing, or not kicked). */
  readonly kickMismatch: number;
  /** The interleaving, as thread-step labels in execution order. */
  readonly schedule: readonly string[];
}

/** The outcome of exploring a scenario. */
export interface ExplorationResult {
  readonly scenario: string;
  readonly variant: ProtocolVariant;
  /** Interleavings run. */
  readonly interleavings: number;
  /** Interleavings that violated the invariant. */
  readonly violating: number;
  /** The first violating interleaving, if any. */
  readonly first: ModelViolation | null;
}

function runOrder(scenario: ModelScenario, variant: ProtocolVariant, order: Uint8Array | readonly number[]): ModelViolation | null {
  const { run, threads } = build(scenario, variant);
  const pcs = new Array<number>(threads.length).fill(0);
  for (let k = 0; k < order.length; k++) {
    const t = order[k]!;
    run.clock = k;
    threads[t]![pcs[t]!++]!.run();
  }
  const r = finish(run);
  if (r.lost === 0 && r.phantom === 0 && r.kickMismatch === 0) return null;
  pcs.fill(0);
  const labels = Array.from(order, (t) => threads[t]![pcs[t]!++]!.label);
  return { ...r, schedule: labels };
}

/** Number of steps of each thread of `scenario` under `variant`. */
export function threadLengths(scenario: ModelScenario, variant: ProtocolVariant): number[] {
  return build(scenario, variant).threads.map((t) => t.length);
}

/** Number of interleavings of threads of these lengths (the multinomial coefficient). */
export function interleavingCount(lengths: readonly number[]): number {
  let total = 0;
  let count = 1;
  for (const n of lengths) {
    for (let k = 1; k <= n; k++) {
      total++;
      count = (count * total) / k;
    }
  }
  return Math.round(count);
}

/**
 * Runs every interleaving of `scenario` (refuses more than `limit`).
 * @example exploreAll(SCENARIOS[0], "racy").violating > 0 // the racy protocol loses SGIs
 */
export function exploreAll(scenario: ModelScenario, variant: ProtocolVariant, limit = 2_000_000): ExplorationResult {
  const lengths = threadLengths(scenario, variant);
  const expected = interleavingCount(lengths);
  if (expected > limit) throw new RangeError(`scenario ${scenario.name} (${variant}) has ${String(expected)} interleavings, over the limit ${String(limit)}`);
  const total = lengths.reduce((a, b) => a + b, 0);
  const order = new Uint8Array(total);
  const left = lengths.slice();
  let interleavings = 0;
  let violating = 0;
  let first: ModelViolation | null = null;
  const rec = (pos: number): void => {
    if (pos === total) {
      interleavings++;
      const v = runOrder(scenario, variant, order);
      if (v !== null) {
        violating++;
        first ??= v;
      }
      return;
    }
    for (let t = 0; t < left.length; t++) {
      if (left[t] === 0) continue;
      left[t]!--;
      order[pos] = t;
      rec(pos + 1);
      left[t]!++;
    }
  };
  rec(0);
  return { scenario: scenario.name, variant, interleavings, violating, first };
}

/** The part of fast-check's `fc.scheduler()` a scheduled run needs. */
export interface StepScheduler {
  schedule<T>(task: Promise<T>, label?: string): Promise<T>;
  waitAll(): Promise<void>;
}

/**
 * Runs `scenario` once with every thread step gated by `scheduler`, which picks the order
 * (fast-check's `fc.scheduler()` explores random orders reproducibly from a seed).
 * @returns the violation, or null when the invariant held.
 */
export async function runScheduled(scenario: ModelScenario, variant: ProtocolVariant, scheduler: StepScheduler): Promise<ModelViolation | null> {
  const { run, threads } = build(scenario, variant);
  const labels: string[] = [];
  const tasks = threads.map(async (steps) => {
    for (const step of steps) {
      await scheduler.schedule(Promise.resolve(), step.label);
      run.clock = labels.length;
      step.run();
      labels.push(step.label);
    }
  });
  await scheduler.waitAll();
  await Promise.all(tasks);
  const r = finish(run);
  return r.lost === 0 && r.phantom === 0 && r.kickMismatch === 0 ? null : { ...r, schedule: labels };
}
