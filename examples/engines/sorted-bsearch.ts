/**
 * sorted-bsearch-ts — an example TypeScript engine (vsgi plugin contract 1).
 *
 * prepare() sorts every vCPU's affinity once into typed arrays; each set TargetList bit is then
 * one binary search for Aff3.Aff2.Aff1.(RS*16 + n). Cost: about log2(n) + 1 probes per target on
 * any layout, no allocation per write; IRM = 1 goes to the sink as one all-but-self operation
 * (n visits counted, as a scan would).
 *
 *   vsgi check examples/engines/sorted-bsearch.ts
 *   vsgi bench --quick --engine examples/engines/sorted-bsearch.ts
 */

// The contract's shapes (vsgi's Engine, Topology, SgiWrite, DeliverySink), declared here so the
// example needs nothing installed to type-check.
interface Topology {
  readonly count: number;
  readonly rss: boolean;
  /** affinity[i] = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 of vCPU i. */
  readonly affinity: Uint32Array;
}
interface SgiWrite {
  readonly aff3: number;
  readonly aff2: number;
  readonly aff1: number;
  readonly targetList: number;
  readonly rs: number;
  readonly irm: number;
}
interface DeliverySink {
  deliver(vcpu: number, w: SgiWrite): void;
  deliverAllBut(sender: number, w: SgiWrite): void;
}
type Support = { readonly supported: true } | { readonly supported: false; readonly reason: string };

export default class SortedBinarySearch {
  readonly name = "sorted-bsearch-ts";
  readonly origin = "Example: affinities sorted at prepare, one binary search per TargetList bit; ~log2(n)+1 probes per target on any layout.";
  readonly contract = 1;
  /** Sorted affinities, and the vCPU id at the same index. */
  #keys = new Uint32Array(0);
  #ids = new Uint32Array(0);
  #rss = false;

  prepare(topology: Topology): Support {
    const order = Array.from(topology.affinity.keys()).sort((a, b) => topology.affinity[a]! - topology.affinity[b]!);
    this.#keys = Uint32Array.from(order, (v) => topology.affinity[v]!);
    this.#ids = Uint32Array.from(order);
    this.#rss = topology.rss;
    return { supported: true };
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const keys = this.#keys;
    if (w.irm === 1) {
      sink.deliverAllBut(sender, w);
      return keys.length;
    }
    const cluster = ((w.aff3 << 24) | (w.aff2 << 16) | (w.aff1 << 8)) >>> 0;
    // Without RSS the RS field is RES0 and counts as 0.
    const base = this.#rss ? w.rs * 16 : 0;
    let visits = 0;
    for (let list = w.targetList; list !== 0; list &= list - 1) {
      const want = (cluster | (base + 31 - Math.clz32(list & -list))) >>> 0;
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const a = keys[mid]!;
        visits++;
        if (a === want) {
          sink.deliver(this.#ids[mid]!, w);
          break;
        }
        if (a < want) lo = mid + 1;
        else hi = mid;
      }
    }
    return visits;
  }
}
