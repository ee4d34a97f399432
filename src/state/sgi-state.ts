/**
 * Per-vCPU SGI state for INTIDs 0..15: the delivery side (GIC spec IHI 0069 §4.1; GICv2
 * IHI 0048B §3.2.3 for per-source SGI pending state). Every change of pending, source or kick
 * state a write causes happens here; `AtomicSgiState` (shared.ts) overrides the word operations
 * of SgiStore (store.ts), which also holds configuration, acknowledge and EOI.
 *
 * A unicast sets one bit; an all-but-self broadcast ORs whole 32-bit words (n/32 operations).
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import { SgiRegister } from "../arch/sgi-register.ts";
import { bitIndex, lowestBit, popcount32, vcpuBit } from "./bits.ts";
import { SGI_COUNT } from "./layout.ts";
import type { DeliverySink, KickHandler } from "./sink.ts";
import { SgiStore } from "./store.ts";

/**
 * The SGI state of every vCPU of one VM, and the sink engines deliver into.
 * @example
 * const s = new SgiState(4);
 * s.setPending(2, 1);
 * s.isPending(2, 1); // true
 */
export class SgiState extends SgiStore implements DeliverySink {
  /**
   * True for a plain SgiState. The inlined fast paths below change words with plain reads and
   * writes; a subclass (the atomic shared state) takes the general paths, which go through the
   * overridable word operations `orBits`, `clearBits` and `readWord`.
   */
  readonly #plain: boolean;
  /** The pending bitmaps as int32 words, for the fast paths (no uint32 → double conversions). */
  readonly #pending: Int32Array;

  /** GICv2: deliveries of a new source to an SGI another source had already made pending. */
  protected sourceOnly = 0;
  /** Deliveries to an SGI that was already pending (one pending SGI remains: not a loss). */
  coalesced = 0;
  /** Targets newly made pending (each kicked once). */
  kicks = 0;
  /** Deliveries dropped because SGI0R/ASGI1R targeted an INTID configured as Group 1. */
  groupFiltered = 0;
  /** Called on every newly pending SGI, or null. */
  onKick: KickHandler | null = null;

  constructor(count: number, buffer?: ArrayBuffer | SharedArrayBuffer) {
    super(count, buffer);
    this.#plain = new.target === SgiState;
    this.#pending = new Int32Array(this.pending.buffer, this.pending.byteOffset, this.pending.length);
  }

  /** Reset state (see SgiStore.reset) and zeroed counters. */
  override reset(): void {
    super.reset();
    this.resetCounters();
  }

  /**
   * Deliveries accepted (newly pending + coalesced), derived so the hot paths update one
   * counter per target rather than two.
   */
  get delivered(): number {
    return this.kicks + this.coalesced + this.sourceOnly;
  }

  /** Zeroes the counters. */
  resetCounters(): void {
    this.coalesced = this.kicks = this.groupFiltered = this.sourceOnly = 0;
  }

  deliver(vcpu: number, w: SgiWrite): void {
    const i = bitIndex(this.words, w.intid, vcpu);
    const bit = vcpuBit(vcpu);
    if (w.register !== SgiRegister.SGI1R && (this.group0[i]! & bit) === 0) {
      this.groupFiltered++;
      return;
    }
    const p = this.#pending;
    const old = p[i]!;
    if ((old & bit) !== 0) {
      this.coalesced++;
      return;
    }
    p[i] = old | bit;
    this.kicks++;
    if (this.onKick !== null) this.onKick(vcpu, w.intid);
  }

  deliverWord(word: number, mask: number, w: SgiWrite): void {
    if (!this.#plain || w.register !== SgiRegister.SGI1R || this.onKick !== null) {
      this.#deliverWordGeneral(word, mask, w);
      return;
    }
    // Group 1 with nobody listening for kicks: kept small so the JIT inlines it into engines.
    const m = mask | 0;
    const p = this.#pending;
    const i = w.intid * this.words + word;
    const old = p[i]!;
    p[i] = old | m;
    const total = popcount32(m);
    const both = old & m;
    const coalesced = both === 0 ? 0 : both === m ? total : popcount32(both);
    this.coalesced += coalesced;
    this.kicks += total - coalesced;
  }

  /** One word of a multi-target delivery with the Group 0 filter and kick calls. */
  #deliverWordGeneral(word: number, mask: number, w: SgiWrite): void {
    let m = mask | 0;
    const i = w.intid * this.words + word;
    if (w.register !== SgiRegister.SGI1R) {
      const g = m & this.readWord(this.group0, i);
      if (g !== m) this.groupFiltered += popcount32((m & ~g) >>> 0);
      m = g;
    }
    if (m === 0) return;
    this.countWord(word, m, this.orBits(this.pending, i, m), w.intid);
  }

  /**
   * Accounts one bitmap word of a multi-target delivery: `mask` vCPUs of word `word` were
   * reached, `newly` of them became pending (kicked), the rest coalesced.
   */
  protected countWord(word: number, mask: number, newly: number, intid: number): void {
    const m = mask >>> 0;
    const fresh = newly >>> 0;
    const total = popcount32(m);
    const kicked = fresh === m ? total : popcount32(fresh);
    this.coalesced += total - kicked;
    this.kicks += kicked;
    if (this.onKick !== null) {
      for (let bits = fresh; bits !== 0; bits &= bits - 1) this.onKick(word * 32 + lowestBit(bits), intid);
    }
  }

  deliverAllBut(sender: number, w: SgiWrite): void {
    if (this.#plain && w.register === SgiRegister.SGI1R && this.onKick === null) {
      this.#broadcast(sender, w.intid);
      return;
    }
    const words = this.words;
    const senderWord = sender >>> 5;
    for (let k = 0; k < words; k++) {
      let mask = k === words - 1 ? this.lastMask : 0xffff_ffff;
      if (k === senderWord) mask &= ~vcpuBit(sender);
      this.#deliverWordGeneral(k, mask, w);
    }
  }

  /**
   * IRM = 1 in the common case (plain state, Group 1, nobody listening for kicks): one OR per
   * word and the newly pending counted by popcount of the bits that were clear. Every word gets
   * all its real vCPUs, then the sender's bit is put back as it was (an all-but-self write never
   * changes the sender's own pending state). Small, so the JIT inlines it into engines.
   */
  #broadcast(sender: number, intid: number): void {
    const p = this.#pending;
    const base = intid * this.words;
    const last = base + this.words - 1;
    const self = sender >>> 0 < this.count;
    const at = base + (sender >>> 5);
    const atOld = self ? p[at]! : 0;
    let newly = 0;
    for (let k = base; k < last; k++) {
      const old = p[k]!;
      // An all-pending word is left alone; an idle one needs no popcount.
      if (old !== -1) {
        newly += old === 0 ? 32 : 32 - popcount32(old);
        p[k] = -1;
      }
    }
    const lastOld = p[last]!;
    const lastNew = lastOld | this.lastMask;
    newly += popcount32(lastNew ^ lastOld);
    p[last] = lastNew;
    const bit = vcpuBit(sender);
    if (self && (atOld & bit) === 0) {
      p[at] = p[at]! & ~bit;
      newly--;
    }
    const total = self ? this.count - 1 : this.count;
    this.coalesced += total - newly;
    this.kicks += newly;
  }

  /**
   * Several words of one multi-target write: word `words[g]` gets `masks[g]` for g in
   * [from, to), `total` bits in all — one call for a whole cluster whose vCPUs span several
   * bitmap words (vsgi on a sparse layout), the same as `deliverWord` per group.
   */
  deliverWords(words: Int32Array, masks: Int32Array, from: number, to: number, total: number, w: SgiWrite): void {
    if (!this.#plain || w.register !== SgiRegister.SGI1R || this.onKick !== null) {
      this.#deliverWordsGeneral(words, masks, from, to, w);
      return;
    }
    const p = this.#pending;
    const base = w.intid * this.words;
    let coalesced = 0;
    for (let g = from; g < to; g++) {
      const i = base + words[g]!;
      const m = masks[g]!;
      const old = p[i]!;
      p[i] = old | m;
      const both = old & m;
      if (both !== 0) coalesced += popcount32(both);
    }
    this.coalesced += coalesced;
    this.kicks += total - coalesced;
  }

  /** `deliverWords` with the Group 0 filter, kick calls, or a subclass's word operations. */
  #deliverWordsGeneral(words: Int32Array, masks: Int32Array, from: number, to: number, w: SgiWrite): void {
    for (let g = from; g < to; g++) this.#deliverWordGeneral(words[g]!, masks[g]!, w);
  }

  /**
   * GICv2 GICD_SGIR delivery: SGI `intid` from CPU `source` to every CPU in the bitmask
   * `targets`. Pending state is kept per source CPU (IHI 0048B §3.2.3): a second SGI from the
   * same source coalesces, one from another source is remembered and acknowledged separately.
   * @returns the number of CPUs reached.
   */
  deliverFromSource(source: number, targets: number, intid: number): number {
    const from = 1 << source;
    let reached = 0;
    for (let m = targets; m !== 0; m &= m - 1) {
      const t = lowestBit(m);
      reached++;
      const k = t * SGI_COUNT + intid;
      const had = this.sources[k]!;
      if ((had & from) !== 0) {
        this.coalesced++;
        continue;
      }
      this.sources[k] = had | from;
      if (this.orBits(this.pending, bitIndex(this.words, intid, t), vcpuBit(t)) !== 0) {
        this.kicks++;
        this.onKick?.(t, intid);
      } else {
        this.sourceOnly++;
      }
    }
    return reached;
  }
}
