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
import { SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import { AtomicSgiState } from "../state/shared.ts";
import { popcount32 } from "../state/bits.ts";
import { SPURIOUS_INTID } from "../state/layout.ts";

/** Which implementation of the protocol a model run uses. */
export type ProtocolVariant = "atomic" | "racy";

/** One thread of a scenario. */
export type ModelThreadSpec =
  /** A vCPU writing ICC_SGI1R_EL1: one target, a TargetList of several, or IRM = 1 (every vCPU but `sender`). */
  | { readonly kind: "send"; readonly sender: number; readonly target: number | readonly number[] | "all-but-self"; readonly intid: number }
  /** A vCPU acknowledging (and EOIing) its own SGIs `attempts` times. */
  | { readonly kind: "ack"; readonly vcpu: number; readonly attempts: number };

/** A small concurrent situation to explore. At most 32 vCPUs (one bitmap word per INTID). */
export interface ModelScenario {
  readonly name: string;
  readonly vcpus: number;
  /** SGIs already pending (sent) before the threads start, as [vcpu, intid]. */
  readonly pending?: readonly (readonly [number, number])[];
  readonly threads: readonly ModelThreadSpec[];
}

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

interface Event {
  readonly key: number;
  readonly at: number;
  readonly claim: boolean;
}

interface Step {
  readonly label: string;
  readonly run: () => void;
}

/** One state per size, reset for each run: a fresh SharedArrayBuffer per interleaving is the slow part. */
const states = new Map<number, AtomicSgiState>();
function stateFor(vcpus: number): AtomicSgiState {
  let s = states.get(vcpus);
  if (s === undefined) {
    s = new AtomicSgiState(vcpus);
    states.set(vcpus, s);
  }
  return s;
}

/** The shared memory and event log of one model run (runs are sequential: they share the memory). */
class ModelRun {
  readonly state: AtomicSgiState;
  readonly events: Event[] = [];
  kicks = 0;
  clock = 0;

  readonly vcpus: number;

  constructor(vcpus: number) {
    this.vcpus = vcpus;
    this.state = stateFor(vcpus);
    this.state.reset();
    this.state.onKick = () => {
      this.kicks++;
    };
  }

  send(vcpu: number, intid: number): void {
    this.events.push({ key: vcpu * 16 + intid, at: this.clock, claim: false });
  }

  claim(vcpu: number, intid: number): void {
    this.events.push({ key: vcpu * 16 + intid, at: this.clock, claim: true });
  }
}

function sgi1r(intid: number, irm: number): SgiWrite {
  return { intid, aff3: 0, aff2: 0, aff1: 0, targetList: 0, rs: 0, irm, register: SgiRegister.SGI1R };
}

function senderSteps(run: ModelRun, t: Extract<ModelThreadSpec, { kind: "send" }>, variant: ProtocolVariant, name: string): Step[] {
  const s = run.state;
  const w = sgi1r(t.intid, t.target === "all-but-self" ? 1 : 0);
  const i = t.intid * s.words;
  const all = run.vcpus === 32 ? 0xffff_ffff : (1 << run.vcpus) - 1;
  const mask = t.target === "all-but-self" ? (all & ~(1 << t.sender)) >>> 0 : typeof t.target === "number" ? 1 << t.target : t.target.reduce((m, v) => (m | (1 << v)) >>> 0, 0);
  const recordSends = (): void => {
    for (let v = 0; v < run.vcpus; v++) if ((mask >>> v) & 1) run.send(v, t.intid);
  };
  if (variant === "atomic") {
    return [
      {
        label: `${name}:set-pending`,
        run: () => {
          if (t.target === "all-but-self") s.deliverAllBut(t.sender, w);
          else if (typeof t.target === "number") s.deliver(t.target, w);
          else s.deliverWord(0, mask, w);
          recordSends();
        },
      },
    ];
  }
  let seen = 0;
  return [
    { label: `${name}:read`, run: () => void (seen = s.pending[i]!) },
    {
      label: `${name}:write+kick`,
      run: () => {
        s.pending[i] = seen | mask;
        run.kicks += popcount32((mask & ~seen) >>> 0);
        recordSends();
      },
    },
  ];
}

function receiverSteps(run: ModelRun, t: Extract<ModelThreadSpec, { kind: "ack" }>, variant: ProtocolVariant, name: string): Step[] {
  const s = run.state;
  const v = t.vcpu;
  const bit = 1 << v;
  const steps: Step[] = [];
  for (let a = 0; a < t.attempts; a++) {
    let intid = SPURIOUS_INTID;
    let owned = false;
    const tag = `${name}:${String(a)}`;
    steps.push({ label: `${tag}:highest-pending`, run: () => void (intid = s.highestPending(v)) });
    if (variant === "atomic") {
      steps.push({
        label: `${tag}:claim`,
        run: () => {
          owned = intid !== SPURIOUS_INTID && s.claimPending(v, intid);
          if (owned) run.claim(v, intid);
        },
      });
      steps.push({ label: `${tag}:activate`, run: () => void (owned && s.setActive(v, intid)) });
      steps.push({ label: `${tag}:eoi`, run: () => void (owned && s.eoi(v, intid)) });
      continue;
    }
    // The plain acknowledge: active |= bit; pending &= ~bit; later EOI: active &= ~bit — each a read then a write.
    let word = 0;
    steps.push({ label: `${tag}:active-read`, run: () => void (intid !== SPURIOUS_INTID && (word = s.active[intid * s.words]!)) });
    steps.push({ label: `${tag}:active-write`, run: () => void (intid !== SPURIOUS_INTID && (s.active[intid * s.words] = word | bit)) });
    steps.push({ label: `${tag}:pending-read`, run: () => void (intid !== SPURIOUS_INTID && (word = s.pending[intid * s.words]!)) });
    steps.push({
      label: `${tag}:pending-write`,
      run: () => {
        if (intid === SPURIOUS_INTID) return;
        s.pending[intid * s.words] = word & ~bit;
        run.claim(v, intid);
      },
    });
    steps.push({ label: `${tag}:eoi-read`, run: () => void (intid !== SPURIOUS_INTID && (word = s.active[intid * s.words]!)) });
    steps.push({ label: `${tag}:eoi-write`, run: () => void (intid !== SPURIOUS_INTID && (s.active[intid * s.words] = word & ~bit)) });
  }
  return steps;
}

/** Builds the threads of one run of `scenario` (fresh memory each time). */
function build(scenario: ModelScenario, variant: ProtocolVariant): { run: ModelRun; threads: Step[][] } {
  if (!Number.isInteger(scenario.vcpus) || scenario.vcpus < 1 || scenario.vcpus > 32) throw new RangeError("model scenarios have 1..32 vCPUs");
  const run = new ModelRun(scenario.vcpus);
  run.clock = -1;
  for (const [v, intid] of scenario.pending ?? []) {
    run.state.setPending(v, intid);
    run.kicks++;
    run.send(v, intid);
  }
  run.clock = 0;
  const threads = scenario.threads.map((t, n) =>
    t.kind === "send" ? senderSteps(run, t, variant, `send${String(n)}`) : receiverSteps(run, t, variant, `ack${String(n)}`),
  );
  return { run, threads };
}

/** After the threads: acknowledge and EOI everything left, sequentially, then check the log. */
function finish(run: ModelRun): { lost: number; phantom: number; kickMismatch: number } {
  const s = run.state;
  run.clock = Number.MAX_SAFE_INTEGER;
  for (let v = 0; v < run.vcpus; v++) {
    // Bounded: corrupted state must not loop forever (16 SGIs at most can be claimed).
    for (let n = 0; n < 16; n++) {
      const intid = s.acknowledge(v);
      if (intid === SPURIOUS_INTID) break;
      run.claim(v, intid);
      s.eoi(v, intid);
    }
  }
  let lost = 0;
  let phantom = 0;
  let claims = 0;
  const byKey = new Map<number, Event[]>();
  for (const e of run.events) {
    const list = byKey.get(e.key);
    if (list === undefined) byKey.set(e.key, [e]);
    else list.push(e);
  }
  for (const list of byKey.values()) {
    // Events are logged in execution order; a claim covers every send logged before it.
    let unclaimed = 0;
    for (const e of list) {
      if (!e.claim) {
        unclaimed++;
        continue;
      }
      claims++;
      if (unclaimed === 0) phantom++;
      unclaimed = 0;
    }
    lost += unclaimed;
  }
  return { lost, phantom, kickMismatch: run.kicks - claims };
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

/**
 * Small situations covering each race: two senders on one bitmap word, a sender beside an
 * acknowledge of a neighbour, coalescing into one pending SGI, an IRM broadcast beside a unicast.
 */
export const SCENARIOS: readonly ModelScenario[] = [
  {
    name: "two senders, neighbours in one word",
    vcpus: 2,
    threads: [
      { kind: "send", sender: 0, target: 1, intid: 1 },
      { kind: "send", sender: 1, target: 0, intid: 1 },
    ],
  },
  {
    name: "sender beside a neighbour's acknowledge",
    vcpus: 2,
    pending: [[0, 1]],
    threads: [
      { kind: "send", sender: 0, target: 1, intid: 1 },
      { kind: "ack", vcpu: 0, attempts: 1 },
    ],
  },
  {
    name: "two sends to one target coalesce, target acknowledges twice",
    vcpus: 2,
    threads: [
      { kind: "send", sender: 1, target: 0, intid: 2 },
      { kind: "send", sender: 1, target: 0, intid: 2 },
      { kind: "ack", vcpu: 0, attempts: 2 },
    ],
  },
  {
    name: "IRM broadcast beside a unicast and an acknowledge",
    vcpus: 3,
    threads: [
      { kind: "send", sender: 2, target: "all-but-self", intid: 0 },
      { kind: "send", sender: 1, target: 0, intid: 0 },
      { kind: "ack", vcpu: 1, attempts: 1 },
    ],
  },
  {
    name: "multicast (one word OR) beside a unicast and an acknowledge",
    vcpus: 3,
    pending: [[0, 5]],
    threads: [
      { kind: "send", sender: 2, target: [0, 1], intid: 5 },
      { kind: "send", sender: 0, target: 2, intid: 5 },
      { kind: "ack", vcpu: 0, attempts: 1 },
    ],
  },
  {
    name: "two receivers on one word, then a send",
    vcpus: 2,
    pending: [
      [0, 3],
      [1, 3],
    ],
    threads: [
      { kind: "ack", vcpu: 0, attempts: 1 },
      { kind: "ack", vcpu: 1, attempts: 1 },
      { kind: "send", sender: 1, target: 0, intid: 3 },
    ],
  },
];

/** A larger scenario for randomized scheduling (too many interleavings to run them all). */
export const SCHEDULER_SCENARIO: ModelScenario = {
  name: "three senders, three receivers, one word",
  vcpus: 6,
  pending: [[4, 1]],
  threads: [
    { kind: "send", sender: 5, target: 0, intid: 1 },
    { kind: "send", sender: 4, target: 1, intid: 1 },
    { kind: "send", sender: 3, target: "all-but-self", intid: 1 },
    { kind: "ack", vcpu: 0, attempts: 2 },
    { kind: "ack", vcpu: 1, attempts: 2 },
    { kind: "ack", vcpu: 4, attempts: 1 },
  ],
};
