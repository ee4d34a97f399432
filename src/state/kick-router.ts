/**
 * Who hears about a newly pending SGI. With list registers (GICv3 without direct injection) the
 * hypervisor kicks every target: each listener is called. With GICv4.1 direct vSGI (Linux 5.7)
 * the redistributor makes the SGI pending itself on a resident vPE (no kick, counted in
 * `directInjections`); a non-resident vPE gets a doorbell (counted in `doorbells`) and the
 * listeners are called so the VMM runs it.
 */
import type { SgiState } from "./sgi-state.ts";
import type { KickHandler } from "./sink.ts";

/** Installs the kick path of one SgiState and keeps it in step with its listeners. */
export class KickRouter {
  readonly #state: SgiState;
  readonly #listeners: KickHandler[] = [];
  /** GICv4.1: 1 where the vCPU's vPE is resident on a physical CPU; null with list registers. */
  readonly #resident: Uint8Array | null;
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

  /** The state calls no handler at all when nobody listens (its fast paths need `onKick === null`). */
  #sync(): void {
    const ls = this.#listeners;
    const resident = this.#resident;
    if (resident !== null) {
      this.#state.onKick = (v, i) => {
        if (resident[v] === 1) {
          this.directInjections++;
          return;
        }
        this.doorbells++;
        for (const l of ls) l(v, i);
      };
      return;
    }
    this.#state.onKick = ls.length === 0 ? null : ls.length === 1 ? ls[0]! : (v, i) => { for (const l of ls) l(v, i); };
  }
}
