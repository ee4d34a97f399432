// BROKEN ON PURPOSE (test/check/broken-variants.test.ts): Aff0 = 15 is never reached (bit < 15 instead of bit < 16).
/**
 * off-by-one-aff0-15 — a vsgi dispatch engine (plugin contract 1): which vCPUs one ICC_SGI1R_EL1 write reaches.
 *
 * This starting point is a linear scan: correct on every layout, n visits per write. Replace
 * dispatch() (and the tables prepare() builds) with your algorithm, then:
 *   vsgi check off-by-one-aff0-15.ts                    differential test against the reference, shrunk counterexample
 *   vsgi bench --quick --engine off-by-one-aff0-15.ts   visits and ns per write beside KVM's and vsgi's engines
 * The rule (GIC spec IHI 0069 §12.2): IRM = 1 reaches every vCPU but the sender; otherwise bit n of
 * TargetList reaches the vCPU with affinity Aff3.Aff2.Aff1.(RS*16 + n) — RS counts only when the VM
 * advertises RSS (topology.rss); without RSS it is RES0 and treated as 0.
 */

// The contract's shapes, declared here so this file needs nothing installed to type-check.
interface Topology {
  readonly name: string;
  readonly count: number;
  /** Range Selector Support: Aff0 may exceed 15 and RS selects a group of 16. */
  readonly rss: boolean;
  /** affinity[i] = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 of vCPU i. */
  readonly affinity: Uint32Array;
}
interface SgiWrite {
  readonly intid: number;
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

export default class Engine {
  readonly name = "off-by-one-aff0-15";
  readonly origin = "Linear scan over every vCPU; n visits per write.";
  readonly contract = 1;
  #affinity: Uint32Array = new Uint32Array(0);
  #rss = false;

  /** Called once per layout before any dispatch: build tables here, never per write. */
  prepare(topology: Topology): Support {
    this.#affinity = topology.affinity;
    this.#rss = topology.rss;
    return { supported: true };
  }

  /** Delivers the write to each target once; returns the vCPU records or table slots examined. */
  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const affinity = this.#affinity;
    const n = affinity.length;
    if (w.irm === 1) {
      sink.deliverAllBut(sender, w);
      return n;
    }
    const cluster = ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) >>> 0;
    const base = this.#rss ? w.rs * 16 : 0;
    for (let v = 0; v < n; v++) {
      const a = affinity[v]!;
      if (a >>> 8 !== cluster) continue;
      const bit = (a & 0xff) - base;
      if (bit >= 0 && bit < 15 && ((w.targetList >>> bit) & 1) === 1) sink.deliver(v, w);
    }
    return n;
  }
}
