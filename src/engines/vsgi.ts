/**
 * vsgi — ours. A two-level directory of flat typed arrays (Aff3.Aff2 → node, node.Aff1 → row)
 * maps a write's cluster to a row of 16 vCPU slots (256 with RSS, RS selecting 16 of them); the
 * TargetList's set bits are walked with count-trailing-zeros, and a whole-cluster list takes a
 * straight 16-slot loop. IRM = 1 goes to the sink as one all-but-self operation, which the SGI
 * state performs on 32-vCPU words. Cost: one slot per set bit on any layout; IRM ⌈n/32⌉ words.
 *
 * Word paths, when the sink has `deliverWord` (SgiState): a write naming several targets in a
 * row whose vCPU ids are Aff0 plus a constant inside one 32-vCPU word (KVM's and QEMU's
 * layouts) becomes one masked word operation; on other layouts a write naming a whole row
 * becomes the row's precomputed (word, mask) groups. Visits stay one per set TargetList bit.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import { popcount32 } from "../state/bits.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import type { Engine, Support } from "./engine.ts";

export class VsgiEngine implements Engine {
  readonly name = "vsgi" as const;
  readonly origin = "vsgi: Aff3.Aff2→Aff1 typed-array directory to a row of vCPU slots, set bits by ctz; one slot per target on any layout, IRM in ⌈n/32⌉ word operations.";
  /**
   * (Aff3 << 8 | Aff2) → level-1 node, or -1; sized (largest Aff3 + 1) × 256 entries, so 512
   * bytes on KVM's layout and at most 128 KiB for any layout.
   */
  #l32 = new Int16Array(256).fill(-1);
  /** Largest Aff3 of any vCPU (writes naming a larger one reach nobody). */
  #maxAff3 = 0;
  /** (node << 8 | Aff1) → first slot of the cluster's row (row × width), or -1. */
  #l1 = new Int32Array(0);
  /** (row * width + Aff0) → vCPU, or -1. */
  #slots = new Int32Array(0);
  /** Slots per cluster row: 16, or 256 with RSS. */
  #width = 16;
  /** 0xf0 with RSS (RS × 16 selects the slots), else 0 (RS is RES0 and treated as 0). */
  #rsMask = 0;
  #words = 0;
  /**
   * Aff3 << 8 | Aff2 when every vCPU shares them (KVM's default layout up to 4096 vCPUs — past
   * KVM's real limit of 512 that is a projection — and QEMU's): such writes go
   * straight to the only level-1 node, one load instead of two. -1 otherwise.
   */
  #flatKey = -1;
  /** Per 16-slot sub-row (slot index >>> 4): mask of the slots that hold a vCPU. */
  #present = new Uint16Array(0);
  /** Per sub-row: number of vCPUs (set bits of `#present`), so a whole-row write needs no popcount. */
  #presentCount = new Uint8Array(0);
  /** Per sub-row: pending word of its vCPUs when id = Aff0 bits + a constant inside one word, else -1. */
  #subWord = new Int32Array(0);
  /** Per sub-row with a word: left shift from TargetList bits to that word's bits. */
  #subShift = new Uint8Array(0);
  /** Per sub-row: its (word, mask) groups are `#groupWord/#groupMask[#groupStart[j] .. #groupStart[j+1])`. */
  #groupStart = new Uint32Array(1);
  #groupWord = new Int32Array(0);
  #groupMask = new Int32Array(0);

  prepare(topology: Topology): Support {
    let maxAff3 = 0;
    for (const a of topology.affinity) maxAff3 = Math.max(maxAff3, a >>> 24);
    const l32 = new Int16Array((maxAff3 + 1) * 256).fill(-1);
    const l1: number[] = [];
    let rows = 0;
    const rowOf = new Uint32Array(topology.count);
    for (let v = 0; v < topology.count; v++) {
      const a = topology.affinity[v]!;
      const i2 = a >>> 16;
      if (l32[i2] === -1) {
        l32[i2] = l1.length >>> 8;
        for (let i = 0; i < 256; i++) l1.push(-1);
      }
      const i1 = (l32[i2]! << 8) | ((a >>> 8) & 0xff);
      if (l1[i1] === -1) l1[i1] = rows++;
      rowOf[v] = l1[i1]!;
    }
    this.#width = topology.rss ? 256 : 16;
    this.#slots = new Int32Array(rows * this.#width).fill(-1);
    for (let v = 0; v < topology.count; v++) {
      const aff0 = topology.affinity[v]! & 0xff;
      // Userspace mode: Aff0 > 15 without RSS is never addressed by a TargetList (IRM still reaches
      // it), and of vCPUs sharing an affinity the lowest keeps the slot — the choice vsgi reports.
      if (aff0 >= this.#width) continue;
      const slot = rowOf[v]! * this.#width + aff0;
      if (this.#slots[slot] === -1) this.#slots[slot] = v;
    }
    this.#l32 = l32;
    this.#maxAff3 = maxAff3;
    this.#l1 = Int32Array.from(l1, (row) => (row < 0 ? -1 : row * this.#width));
    this.#rsMask = topology.rss ? 0xf0 : 0;
    this.#words = Math.ceil(topology.count / 32);
    const a0 = topology.affinity[0]!;
    this.#flatKey = l1.length === 256 ? a0 >>> 16 : -1;
    this.#prepareWords();
    return { supported: true };
  }

  /** Builds the per-sub-row word tables used by `deliverWord` sinks. */
  #prepareWords(): void {
    const slots = this.#slots;
    const subRows = slots.length >>> 4;
    const present = new Uint16Array(subRows);
    const subWord = new Int32Array(subRows).fill(-1);
    const subShift = new Uint8Array(subRows);
    const groupStart = new Uint32Array(subRows + 1);
    const groupWord: number[] = [];
    const groupMask: number[] = [];
    for (let j = 0; j < subRows; j++) {
      groupStart[j] = groupWord.length;
      let offset = -1;
      let contiguous = true;
      let lastWord = -1;
      for (let b = 0; b < 16; b++) {
        const v = slots[j * 16 + b]!;
        if (v < 0) continue;
        present[j] = present[j]! | (1 << b);
        if (offset === -1) offset = v - b;
        if (v - b !== offset || offset < 0 || (offset & 31) + b > 31 || offset >>> 5 !== v >>> 5) contiguous = false;
        // Slots ascend in Aff0; groups follow that order, merging runs that share a word.
        const word = v >>> 5;
        if (word === lastWord && groupWord.length > groupStart[j]!) {
          groupMask[groupMask.length - 1] = groupMask[groupMask.length - 1]! | (1 << (v & 31));
        } else {
          groupWord.push(word);
          groupMask.push(1 << (v & 31));
          lastWord = word;
        }
      }
      if (contiguous && offset >= 0) {
        subWord[j] = offset >>> 5;
        subShift[j] = offset & 31;
      }
    }
    groupStart[subRows] = groupWord.length;
    this.#present = present;
    this.#presentCount = Uint8Array.from(present, popcount32);
    this.#subWord = subWord;
    this.#subShift = subShift;
    this.#groupStart = groupStart;
    this.#groupWord = Int32Array.from(groupWord);
    this.#groupMask = Int32Array.from(groupMask);
  }

  /** Bytes held by the directory and slot rows. */
  get bytes(): number {
    return (
      this.#l32.byteLength +
      this.#l1.byteLength +
      this.#slots.byteLength +
      this.#present.byteLength +
      this.#presentCount.byteLength +
      this.#subWord.byteLength +
      this.#subShift.byteLength +
      this.#groupStart.byteLength +
      this.#groupWord.byteLength +
      this.#groupMask.byteLength
    );
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    if (w.irm === 1) {
      sink.deliverAllBut(sender, w);
      return this.#words;
    }
    return this.#targeted(w, sink);
  }

  /**
   * IRM = 0: the cluster row, then the TargetList. Apart from `dispatch` so that stays a few
   * bytes long: V8 inlines small functions only, and a dispatch inlined into its caller saves a
   * call on every write.
   */
  #targeted(w: SgiWrite, sink: DeliverySink): number {
    let first: number;
    if (((w.aff3 << 8) | w.aff2) === this.#flatKey) {
      first = this.#l1[w.aff1]!;
    } else {
      if (w.aff3 > this.#maxAff3) return 0;
      const node = this.#l32[(w.aff3 << 8) | w.aff2]!;
      if (node < 0) return 0;
      first = this.#l1[(node << 8) | w.aff1]!;
    }
    if (first < 0) return 0;
    // Without RSS the RS field is RES0 and treated as 0, as KVM and QEMU do.
    const base = first + ((w.rs << 4) & this.#rsMask);
    const tl = w.targetList;
    if ((tl & (tl - 1)) !== 0) return this.#many(base, tl, w, sink);
    // Zero or one target (98–99% of real writes): kept small so the JIT inlines it into callers.
    if (tl === 0) return 0;
    const v = this.#slots[base + 31 - Math.clz32(tl)]!;
    if (v >= 0) sink.deliver(v, w);
    return 1;
  }

  /**
   * A TargetList with two or more bits, from slot `base` of its row. The word paths come first;
   * the rarer ones are separate methods so this one stays small enough for V8 to inline.
   */
  #many(base: number, tl: number, w: SgiWrite, sink: DeliverySink): number {
    if (sink.deliverWord !== undefined) {
      const sub = base >>> 4;
      const present = this.#present[sub]!;
      const word = this.#subWord[sub]!;
      if (word >= 0) {
        const m = tl & present;
        if (m !== 0) sink.deliverWord(word, m << this.#subShift[sub]!, w);
        return popcount32(tl);
      }
      if ((tl & present) === present) return this.#wholeRow(sub, tl, w, sink);
    }
    return this.#perTarget(base, tl, w, sink);
  }

  /** A write naming every vCPU of a sub-row whose ids span several words: its (word, mask) groups. */
  #wholeRow(sub: number, tl: number, w: SgiWrite, sink: DeliverySink): number {
    const from = this.#groupStart[sub]!;
    const to = this.#groupStart[sub + 1]!;
    const count = this.#presentCount[sub]!;
    if (sink.deliverWords !== undefined) {
      sink.deliverWords(this.#groupWord, this.#groupMask, from, to, count, w);
    } else {
      for (let g = from; g < to; g++) sink.deliverWord!(this.#groupWord[g]!, this.#groupMask[g]!, w);
    }
    // Visits are the TargetList's bits; it names exactly the row's vCPUs unless it has extra bits.
    return tl === this.#present[sub]! ? count : popcount32(tl);
  }

  /** One `deliver` per set TargetList bit (a sink without word operations, or a partial row). */
  #perTarget(base: number, targetList: number, w: SgiWrite, sink: DeliverySink): number {
    const slots = this.#slots;
    let tl = targetList;
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
