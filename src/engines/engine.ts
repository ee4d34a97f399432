/**
 * The dispatch-engine interface: one GICv3 SGI dispatch algorithm (which vCPUs a decoded
 * ICC_SGI*R_EL1 write reaches). Engines mark nothing themselves: they hand each target to a
 * `DeliverySink`, and they never allocate per write.
 */
import { formatAffinity } from "../arch/mpidr.ts";
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";

/** An engine's name in the registry (registry.ts): a built-in's (`vsgi`) or a plugin's own. */
export type EngineName = string;

/**
 * Whether an engine can dispatch for a layout, and why not. `projection` is set when the layout is
 * larger than the peer can create ("beyond KVM's limit of 512 (projection)"): bench and model may
 * still run it as a labelled projection, while route, replay and VirtualGic report it unsupported.
 */
export type Support =
  | { readonly supported: true; readonly note?: string; readonly projection?: string }
  | { readonly supported: false; readonly reason: string };

/** One dispatch algorithm. */
export interface Engine {
  readonly name: EngineName;
  /** Where the algorithm comes from and its cost per write, one sentence. */
  readonly origin: string;
  /**
   * Builds the engine's tables for `topology` (once, before any dispatch). Returns whether the
   * layout is supported; an unsupported engine must not be dispatched.
   */
  prepare(topology: Topology): Support;
  /**
   * Delivers write `w` from vCPU `sender` to every target, through `sink`.
   * @returns visits: vCPU records or table slots examined (directory lookups excluded).
   */
  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number;
}

/** Packed cluster of a write: Aff3:Aff2:Aff1 (24 bits). */
export function writeCluster(w: SgiWrite): number {
  return (w.aff3 << 16) | (w.aff2 << 8) | w.aff1;
}

/**
 * IRM = 1 as the scanning engines do it: every vCPU record visited in id order, all but the
 * sender delivered one by one. Returns the visits (n).
 */
export function scanAllBut(count: number, sender: number, w: SgiWrite, sink: DeliverySink): number {
  for (let v = 0; v < count; v++) if (v !== sender) sink.deliver(v, w);
  return count;
}

/**
 * Support verdict of an engine whose id arithmetic assumes vCPU i has affinity `expected(i)`:
 * unsupported, naming the first vCPU that differs, when the layout is anything else.
 */
export function requireLayout(topology: Topology, expected: (id: number) => number, why: string): Support {
  for (let v = 0; v < topology.count; v++) {
    const a = topology.affinity[v]!;
    if (a !== expected(v)) {
      return { supported: false, reason: `${why}: vCPU ${String(v)} has affinity ${formatAffinity(a)}, not ${formatAffinity(expected(v))}` };
    }
  }
  return { supported: true };
}

/** The layout is supported only without RSS: the algorithm ignores ICC_SGI1R_EL1.RS. */
export function requireNoRss(topology: Topology, who: string): Support | undefined {
  return topology.rss
    ? {
        supported: false,
        reason: `${who} ignores ICC_SGI1R_EL1.RS and never advertises RSS; on a VM with RSS a write with RS ≠ 0 would reach Aff0 0..15 instead of RS*16+n`,
      }
    : undefined;
}

/** The layout is refused in userspace mode by engines whose id arithmetic cannot express it. */
export function requireStrictLayout(topology: Topology, who: string): Support | undefined {
  return topology.userspace
    ? { supported: false, reason: `${who} computes vCPU ids arithmetically and cannot express userspace-written MPIDRs (duplicates, Aff0 > 15)` }
    : undefined;
}
