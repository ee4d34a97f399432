/**
 * The injection protocol as steps the interleaving model can schedule one at a time: a sender's
 * write (atomic, or racy read-modify-write), a receiver's acknowledge and EOI, and the check of
 * the event log after the threads (interleavings.ts explores the orders).
 */
import { SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import { popcount32 } from "../state/bits.ts";
import { SPURIOUS_INTID } from "../state/layout.ts";
import { AtomicSgiState } from "../state/shared.ts";
import type { ModelScenario, ModelThreadSpec, ProtocolVariant } from "./scenarios.ts";

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
export function build(scenario: ModelScenario, variant: ProtocolVariant): { run: ModelRun; threads: Step[][] } {
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
export function finish(run: ModelRun): { lost: number; phantom: number; kickMismatch: number } {
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
