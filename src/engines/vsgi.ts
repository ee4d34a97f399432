/**
 * vsgi — ours. A three-level directory of flat typed arrays (Aff3 → Aff2 → Aff1) maps a
 * write's cluster to a row of 16 vCPU slots (256 with RSS, RS selecting 16 of them); the
 * TargetList's set bits are walked with count-trailing-zeros, and a whole-cluster list takes a
 * straight 16-slot loop. IRM = 1 goes to the sink as one all-but-self operation, which the SGI
 * state performs on 32-vCPU words. Cost: one slot per set bit on any layout; IRM ⌈n/32⌉ words.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sgi-state.ts";
import type { Topology } from "../topology/topology.ts";
import type { Engine, Support } from "./engine.ts";

export class VsgiEngine implements Engine {
  readonly name = "vsgi" as const;
  readonly origin = "vsgi: Aff3→Aff2→Aff1 typed-array directory to a row of vCPU slots, set bits by ctz; one slot per target on any layout, IRM in ⌈n/32⌉ word operations.";
  /** Aff3 → level-2 node, or -1. */
  #l3 = new Int32Array(256).fill(-1);
  /** (node << 8 | Aff2) → level-1 node, or -1. */
  #l2 = new Int32Array(0);
  /** (node << 8 | Aff1) → cluster row, or -1. */
  #l1 = new Int32Array(0);
  /** (row * width + Aff0) → vCPU, or -1. */
  #slots = new Int32Array(0);
  /** Slots per cluster row: 16, or 256 with RSS. */
  #width = 16;
  #rss = false;
  #words = 0;

  prepare(topology: Topology): Support {
    const l3 = new Int32Array(256).fill(-1);
    const l2: number[] = [];
    const l1: number[] = [];
    let rows = 0;
    const rowOf = new Uint32Array(topology.count);
    for (let v = 0; v < topology.count; v++) {
      const a = topology.affinity[v]!;
      const aff3 = a >>> 24;
      if (l3[aff3] === -1) {
        l3[aff3] = l2.length >>> 8;
        for (let i = 0; i < 256; i++) l2.push(-1);
      }
      const i2 = (l3[aff3]! << 8) | ((a >>> 16) & 0xff);
      if (l2[i2] === -1) {
        l2[i2] = l1.length >>> 8;
        for (let i = 0; i < 256; i++) l1.push(-1);
      }
      const i1 = (l2[i2]! << 8) | ((a >>> 8) & 0xff);
      if (l1[i1] === -1) l1[i1] = rows++;
      rowOf[v] = l1[i1]!;
    }
    this.#width = topology.rss ? 256 : 16;
    this.#rss = topology.rss;
    this.#slots = new Int32Array(rows * this.#width).fill(-1);
    for (let v = 0; v < topology.count; v++) this.#slots[rowOf[v]! * this.#width + (topology.affinity[v]! & 0xff)] = v;
    this.#l3 = l3;
    this.#l2 = Int32Array.from(l2);
    this.#l1 = Int32Array.from(l1);
    this.#words = Math.ceil(topology.count / 32);
    return { supported: true };
  }

  /** Bytes held by the directory and slot rows. */
  get bytes(): number {
    return this.#l3.byteLength + this.#l2.byteLength + this.#l1.byteLength + this.#slots.byteLength;
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    if (w.irm === 1) {
      sink.deliverAllBut(sender, w);
      return this.#words;
    }
    const n3 = this.#l3[w.aff3]!;
    if (n3 < 0) return 0;
    const n2 = this.#l2[(n3 << 8) | w.aff2]!;
    if (n2 < 0) return 0;
    const row = this.#l1[(n2 << 8) | w.aff1]!;
    if (row < 0) return 0;
    const slots = this.#slots;
    // Without RSS the RS field is RES0 and treated as 0, as KVM and QEMU do.
    const base = row * this.#width + (this.#rss ? w.rs << 4 : 0);
    let tl = w.targetList;
    if (tl === 0xffff) {
      for (let k = 0; k < 16; k++) {
        const v = slots[base + k]!;
        if (v >= 0) sink.deliver(v, w);
      }
      return 16;
    }
    let visits = 0;
    while (tl !== 0) {
      const v = slots[base + 31 - Math.clz32(tl & -tl)]!;
      tl &= tl - 1;
      visits++;
      if (v >= 0) sink.deliver(v, w);
    }
    return visits;
  }
}
