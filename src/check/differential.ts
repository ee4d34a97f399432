/**
 * One write on a plugin engine beside the reference model (src/engines/reference.ts, the
 * architecture's rule): the oracle every part of `vsgi check` shares.
 */
import { decodeSgiInto, newSgiWrite, SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import { RecordingSink } from "../engines/recording-sink.ts";
import { isTargetOf } from "../engines/reference.ts";
import type { Topology } from "../topology/topology.ts";
import type { PluginEngineInstance } from "./contract.ts";

/** What an engine did with one write. */
export interface Outcome {
  /** Targets, ascending, each once. */
  readonly targets: readonly number[];
  readonly visits: number;
  /** Deliveries to a vCPU the write had already reached. */
  readonly duplicates: number;
  /** The engine threw, or broke the contract (a target outside the VM). */
  readonly error?: string;
}

/** A write on which the engine and the reference disagree. */
export interface Disagreement {
  readonly hi: number;
  readonly lo: number;
  readonly sender: number;
  readonly expected: readonly number[];
  readonly actual: Outcome;
}

/** The reference targets of `w` from `sender` on `t`, ascending. */
export function referenceTargets(t: Topology, w: SgiWrite, sender: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < t.count; v++) if (isTargetOf(t, v, w, sender)) out.push(v);
  return out;
}

/** Runs the writes of one case on a prepared engine and the reference. */
export class Differential {
  readonly topology: Topology;
  readonly #engine: PluginEngineInstance;
  readonly #sink: RecordingSink;
  readonly #write = newSgiWrite();

  constructor(engine: PluginEngineInstance, topology: Topology) {
    this.#engine = engine;
    this.topology = topology;
    this.#sink = new RecordingSink(topology.count);
  }

  /** The engine's outcome for the register value `hi:lo` (as written, RES0 bits included). */
  run(hi: number, lo: number, sender: number, register: SgiRegister = SgiRegister.SGI1R): { write: SgiWrite; outcome: Outcome } {
    const w = this.#write;
    decodeSgiInto(w, hi, lo, register);
    const sink = this.#sink;
    sink.clear();
    try {
      const e = this.#engine;
      const visits = e.dispatchRaw !== undefined ? e.dispatchRaw(hi, lo, w, sender, sink) : e.dispatch(w, sender, sink);
      return { write: w, outcome: { targets: sink.sorted(), visits, duplicates: sink.duplicates } };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { write: w, outcome: { targets: sink.sorted(), visits: 0, duplicates: sink.duplicates, error: message } };
    }
  }

  /** The disagreement on this write, or undefined when the engine matches the reference. */
  compare(hi: number, lo: number, sender: number, register: SgiRegister = SgiRegister.SGI1R): Disagreement | undefined {
    const { write, outcome } = this.run(hi, lo, sender, register);
    const expected = referenceTargets(this.topology, write, sender);
    if (outcome.error === undefined && outcome.duplicates === 0 && sameList(expected, outcome.targets)) return undefined;
    return { hi, lo, sender, expected, actual: outcome };
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
