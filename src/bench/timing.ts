/**
 * Timing: one runner per engine (and per floor), timed in interleaved rounds.
 *
 * Every runner is compiled from its own source text (`new Function` with a unique tag), so the
 * call sites inside it — `engine.dispatch`, `sink.deliver`, the decoder — only ever see one
 * engine class and stay monomorphic and inlinable. A shared loop would see seven engine classes,
 * turn megamorphic and charge every engine an indirect call, flattening exactly the differences
 * being measured.
 *
 * A pass decodes and dispatches the whole batch `reps` times, clearing the pending bitmaps
 * before each repetition so every engine meets the same newly-pending/coalesced sequence; the
 * clear is ≤ 2048 words (4096 vCPUs), under 0.1 ns per write, and is in every runner alike.
 */
import { decodeSgiInto, type SgiWrite } from "../arch/sgi-register.ts";
import type { Engine } from "../engines/engine.ts";
import type { SgiState } from "../state/sgi-state.ts";
import type { BatchTargets } from "./targets.ts";
import type { WriteBatch } from "./batch.ts";

/** Everything a pass needs; fixed for one (topology, workload) cell. */
export interface PassInput {
  readonly batch: WriteBatch;
  readonly targets: BatchTargets;
  readonly state: SgiState;
  /** The register values as 64-bit integers, for the bigint floor only. */
  readonly values: BigUint64Array;
  readonly write: SgiWrite;
}

/** Runs `reps` passes over the batch and returns the visits (0 for floors). */
export type Runner = (input: PassInput, reps: number) => number;

let tag = 0;

function compile(body: string, name: string, deps: Record<string, unknown>): (...args: unknown[]) => number {
  const keys = Object.keys(deps);
  // The tag makes each source unique: V8 would otherwise share one compiled function (and its
  // type feedback) between runners through the eval cache.
  const src = `"use strict";\n// runner ${name} #${String(tag++)}\nreturn function run_${name.replace(/[^a-z0-9]/gi, "_")}(${"engine, input, reps"}) {\n${body}\n};`;
  return new Function(...keys, src)(...keys.map((k) => deps[k])) as (...args: unknown[]) => number;
}

const PROLOGUE = `
  const b = input.batch, hi = b.hi, lo = b.lo, sender = b.sender, reg = b.register, count = b.count;
  const state = input.state, pending = state.pending, w = input.write;
  let visits = 0;`;

const engineLoops = new Map<string, (...args: unknown[]) => number>();

/**
 * A runner dispatching every write through `engine` into the SGI state. The compiled loop is
 * cached per engine name (one class each), so it stays optimised from one cell to the next.
 */
export function engineRunner(engine: Engine): Runner {
  const cached = engineLoops.get(engine.name);
  if (cached !== undefined) return (input, reps) => cached(engine, input, reps);
  const run = compile(
    `${PROLOGUE}
  for (let r = 0; r < reps; r++) {
    pending.fill(0);
    for (let i = 0; i < count; i++) {
      decode(w, hi[i], lo[i], reg[i]);
      visits += engine.dispatch(w, sender[i], state);
    }
  }
  return visits;`,
    engine.name,
    { decode: decodeSgiInto },
  );
  engineLoops.set(engine.name, run);
  return (input, reps) => run(engine, input, reps);
}

/** The floors' pending update: one bit per pre-resolved target (IRM: every vCPU but the sender). */
const MARK_TARGETS = `      const base = w.intid * words;
      if (w.irm === 1) {
        const s = sender[i];
        for (let v = 0; v < n; v++) if (v !== s) pending[base + (v >>> 5)] |= 1 << (v & 31);
      } else {
        for (let j = start[i], e = start[i + 1]; j < e; j++) {
          const v = list[j];
          pending[base + (v >>> 5)] |= 1 << (v & 31);
        }
      }`;

/**
 * The floor: decode, then set one pending bit per (pre-resolved) target, straight into the
 * pending bitmap — no lookup, no counters, no group check. IRM writes set n − 1 bits one by one,
 * so on broadcast a word-parallel engine can beat it (vsFloor < 1).
 */
export function floorRunner(): Runner {
  const run = compile(
    `${PROLOGUE}
  const t = input.targets, start = t.start, list = t.list, n = state.count, words = state.words;
  for (let r = 0; r < reps; r++) {
    pending.fill(0);
    for (let i = 0; i < count; i++) {
      decode(w, hi[i], lo[i], reg[i]);
${MARK_TARGETS}
    }
  }
  return visits;`,
    "floor",
    { decode: decodeSgiInto },
  );
  return (input, reps) => run(null, input, reps);
}

/**
 * The sink floor: decode, then hand the pre-resolved targets to `SgiState.deliver` (IRM:
 * `deliverAllBut`) — the cost of the real pending update with a free lookup. Engine ns minus
 * this is what the lookup itself costs.
 */
export function sinkFloorRunner(): Runner {
  const run = compile(
    `${PROLOGUE}
  const t = input.targets, start = t.start, list = t.list;
  for (let r = 0; r < reps; r++) {
    pending.fill(0);
    for (let i = 0; i < count; i++) {
      decode(w, hi[i], lo[i], reg[i]);
      if (w.irm === 1) {
        state.deliverAllBut(sender[i], w);
      } else {
        for (let j = start[i], e = start[i + 1]; j < e; j++) state.deliver(list[j], w);
      }
    }
  }
  return visits;`,
    "sink-floor",
    { decode: decodeSgiInto },
  );
  return (input, reps) => run(null, input, reps);
}

/**
 * The floor with the register carried as a `bigint` (a BigUint64Array element split into
 * halves per write), to show what a bigint hot path costs (STYLE rule 3).
 */
export function bigintFloorRunner(): Runner {
  const run = compile(
    `${PROLOGUE}
  const t = input.targets, start = t.start, list = t.list, n = state.count, words = state.words, values = input.values;
  for (let r = 0; r < reps; r++) {
    pending.fill(0);
    for (let i = 0; i < count; i++) {
      const value = values[i];
      decode(w, Number(value >> 32n), Number(value & 0xffffffffn), reg[i]);
${MARK_TARGETS}
    }
  }
  return visits;`,
    "bigint-floor",
    { decode: decodeSgiInto },
  );
  return (input, reps) => run(null, input, reps);
}

/** Median, extremes and relative spread of a sample. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median over the rounds. */
  readonly spread: number;
  readonly samples: readonly number[];
}

/** Statistics of a non-empty sample. */
export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >>> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const min = s[0]!;
  const max = s[s.length - 1]!;
  return { median, min, max, spread: median > 0 ? (max - min) / median : 0, samples };
}

/** One timed subject of a cell. */
export interface Subject {
  readonly name: string;
  readonly runner: Runner;
}

/** What timing a cell produced, per subject. */
export interface CellTiming {
  /** Visits summed over one pass of the batch (deterministic). */
  readonly visits: number;
  /** ns per write over the rounds, by the process's CPU time (see `timePass`). */
  readonly ns: Stats;
  /** ns per write over the rounds, by the wall clock. */
  readonly wallNs: Stats;
  /** Batch repetitions per timed pass. */
  readonly reps: number;
}

/**
 * Times one pass by the wall clock and by the process's CPU time (user + system, µs resolution).
 * On a busy machine a pass is often descheduled part-way; the wall clock then counts other
 * processes' time, the CPU clock does not. The hot loop allocates nothing, so no GC or JIT
 * thread of this process runs beside it once the runner is warm.
 */
function timePass(runner: Runner, input: PassInput, reps: number): { cpu: number; wall: number } {
  // Counters restart every pass: a cell's broadcasts would otherwise push them past V8's small
  // integer range (2^30) and change how the state's fields are stored, and its code, mid-cell.
  const st = input.state;
  st.resetCounters();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  runner(input, reps);
  const wall = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) * 1000, wall };
}

/**
 * Times every subject on one input: warm-up and calibration (each pass ≈ `passMs`), then
 * `rounds` rounds, each running every subject once in a rotated order so drift on a busy
 * machine hits all subjects alike.
 */
export function timeCell(subjects: readonly Subject[], input: PassInput, rounds: number, passMs: number): Map<string, CellTiming> {
  const count = input.batch.count;
  const reps = new Map<string, number>();
  const visits = new Map<string, number>();
  // Warm up for a while, not a fixed count: in a fresh isolate the optimising compiler works on
  // a background thread (slow on a busy machine), and a runner reused from another cell may meet
  // a new path (IRM, multi-target) and need to be optimised again. Two sweeps over the subjects
  // let one subject's compilation finish while the others warm up.
  // 10 ms per subject at the default pass lengths, less for the tiny passes tests use.
  const warmNs = Math.min(Math.max(3 * passMs, 10), 10 * passMs) * 1e6;
  const best = new Map<string, number>();
  for (const s of subjects) {
    const st = input.state;
    st.resetCounters();
    visits.set(s.name, s.runner(input, 1));
  }
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const s of subjects) {
      let spent = 0;
      let fastest = Infinity;
      for (let runs = 0; runs < 2 || spent < warmNs / 2; runs++) {
        const t = timePass(s.runner, input, 1).wall;
        spent += t;
        fastest = Math.min(fastest, t);
      }
      best.set(s.name, fastest);
    }
  }
  for (const s of subjects) reps.set(s.name, Math.max(1, Math.round((passMs * 1e6) / Math.max(1, best.get(s.name)!))));
  const cpu = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const wall = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(k + r) % subjects.length]!;
      const n = reps.get(s.name)!;
      const t = timePass(s.runner, input, n);
      cpu.get(s.name)!.push(t.cpu / (n * count));
      wall.get(s.name)!.push(t.wall / (n * count));
    }
  }
  const out = new Map<string, CellTiming>();
  for (const s of subjects) out.set(s.name, { visits: visits.get(s.name)!, ns: stats(cpu.get(s.name)!), wallNs: stats(wall.get(s.name)!), reps: reps.get(s.name)! });
  return out;
}
