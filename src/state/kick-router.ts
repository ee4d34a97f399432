/**
 * Who hears about a newly pending SGI. With list registers (GICv3 without direct injection) the
 * hypervisor kicks every target: each listener is called. With GICv4.1 direct vSGI (Linux 5.7)
 * the redistributor makes the SGI pending itself on a resident vPE (no kick, counted in
 * `directInjections`); a non-resident vPE gets a doorbell (counted in `doorbells`) and the
 * listeners are called so the VMM runs it.
 *
 * Listeners run after the write that caused the kicks has been dispatched, never inside it: a
 * listener may write another SGI (a VMM does, to forward an IPI) and that write must not run
 * inside the engine's loop over the first write's targets. So kicks are queued during a dispatch
 * and delivered by `flush` once the engine has returned; a write made by a listener is a whole
 * write of its own (its kicks are delivered before it returns). If a listener throws, every
 * queued kick is still delivered to every listener, then the first error is rethrown once.
 */
import type { SgiState } from "./sgi-state.ts";
import type { KickHandler } from "./sink.ts";

/** Installs the kick path of one SgiState and keeps it in step with its listeners. */
export class KickRouter {
  readonly #state: SgiState;
  readonly #listeners: KickHandler[] = [];
  /** GICv4.1: 1 where the vCPU's vPE is resident on a physical CPU; null with list registers. */
  readonly #resident: Uint8Array | null;
  /** Kicks not yet delivered, as `vcpu * 16 + intid`; a stack of per-write segments (see `mark`). */
  #queue = new Int32Array(64);
  #queued = 0;
  /** Writes being dispatched or flushed (a listener's write nests inside another's flush). */
  #depth = 0;
  /** GICv4.1: SGIs the redistributor made pending directly on a resident vPE. */
  directInjections = 0;
  /** GICv4.1: doorbells rung for SGIs to a non-resident vPE. */
  doorbells = 0;

  /** `direct`: GICv4.1 direct vSGI, every vPE resident at first. */
  constructor(state: SgiState, direct: boolean) {
    this.#state = state;
    this.#resident = direct ? new Uint8Array(state.count).fill(1) : null;
    this.#sync();
  }

  /** Whether GICv4.1 residency applies. */
  get direct(): boolean {
    return this.#resident !== null;
  }

  /** GICv4.1: makes `vcpu`'s vPE resident or not (checked by the caller). */
  setResident(vcpu: number, resident: boolean): void {
    if (this.#resident !== null) this.#resident[vcpu] = resident ? 1 : 0;
  }

  /** Adds a listener; returns a function that removes it. */
  add(listener: KickHandler): () => void {
    this.#listeners.push(listener);
    this.#sync();
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
      this.#sync();
    };
  }

  /**
   * Starts a write: returns where its kicks will start in the queue. Every `mark` must be
   * followed by one `flush`. The outermost write also delivers kicks queued outside any write
   * (by a caller using the state directly), so none waits forever.
   */
  mark(): number {
    return this.#depth++ === 0 ? 0 : this.#queued;
  }

  /**
   * Delivers every kick queued since `mark` to every listener, then drops them from the queue.
   * A listener's write queues and flushes its own kicks above them, so segments nest.
   * @throws the first error a listener threw, after all kicks were delivered.
   */
  flush(mark: number): void {
    if (this.#queued === mark) {
      this.#depth--;
      return;
    }
    // A listener added or removed during the flush takes effect from the next write.
    const ls = this.#listeners.slice();
    let failed = false;
    let first: unknown;
    for (let k = mark; k < this.#queued; k++) {
      // Read through the field: a nested write may have grown (replaced) the array.
      const packed = this.#queue[k]!;
      const vcpu = packed >>> 4;
      const intid = packed & 15;
      for (const l of ls) {
        try {
          l(vcpu, intid);
        } catch (e) {
          if (!failed) first = e;
          failed = true;
        }
      }
    }
    this.#queued = mark;
    this.#depth--;
    if (failed) throw first;
  }

  #enqueue(vcpu: number, intid: number): void {
    if (this.#queued === this.#queue.length) {
      const bigger = new Int32Array(this.#queue.length * 2);
      bigger.set(this.#queue);
      this.#queue = bigger;
    }
    this.#queue[this.#queued++] = (vcpu << 4) | intid;
  }

  /** The state calls no handler at all when nobody listens (its fast paths need `onKick === null`). */
  #sync(): void {
    const resident = this.#resident;
    const listening = this.#listeners.length > 0;
    if (resident !== null) {
      this.#state.onKick = (v, i) => {
        if (resident[v] === 1) {
          this.directInjections++;
          return;
        }
        this.doorbells++;
        if (listening) this.#enqueue(v, i);
      };
      return;
    }
    this.#state.onKick = listening ? (v, i) => this.#enqueue(v, i) : null;
  }
}
