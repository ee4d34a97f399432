/**
 * Per-vCPU SGI state for INTIDs 0..15 (GIC spec IHI 0069 §4.1 "interrupt lifecycle";
 * GICv2 IHI 0048B §3.2.3 for per-source SGI pending state).
 *
 * State is kept *per INTID as a bitmap over vCPUs*: `pending[intid * words + (v >>> 5)]` bit
 * `v & 31` is vCPU v's pending bit. A unicast sets one bit; an all-but-self broadcast ORs whole
 * 32-bit words (n/32 operations). All arrays are views of one buffer sized once, which may be a
 * `SharedArrayBuffer` (see src/concurrent).
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import { SgiRegister } from "../arch/sgi-register.ts";
import { checkVcpu } from "../errors.ts";

/** Number of SGIs per vCPU. */
export const SGI_COUNT = 16;
/** INTID returned by an acknowledge when nothing can be signalled. */
export const SPURIOUS_INTID = 1023;
/** Reset priority of every SGI (the lowest non-masked priority a guest usually programs is 0xa0). */
export const DEFAULT_PRIORITY = 0xa0;
/** Idle running priority: nothing active. */
const IDLE_PRIORITY = 0x100;

/** Byte offsets of each array inside the state buffer. */
export interface SgiStateLayout {
  readonly words: number;
  readonly pending: number;
  readonly active: number;
  readonly enabled: number;
  readonly group0: number;
  readonly priority: number;
  readonly sources: number;
  readonly bytes: number;
}

/** Where each array lives in a state buffer for `count` vCPUs. */
export function sgiStateLayout(count: number): SgiStateLayout {
  const words = Math.ceil(count / 32);
  const bitmapBytes = SGI_COUNT * words * 4;
  const pending = 0;
  const active = pending + bitmapBytes;
  const enabled = active + bitmapBytes;
  const group0 = enabled + bitmapBytes;
  const priority = group0 + bitmapBytes;
  const sources = priority + count * SGI_COUNT;
  const bytes = Math.ceil((sources + count * SGI_COUNT) / 8) * 8;
  return { words, pending, active, enabled, group0, priority, sources, bytes };
}

/** Count of set bits in a uint32. */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Where engines put their deliveries. */
export interface DeliverySink {
  /** The write `w` reaches vCPU `vcpu`. */
  deliver(vcpu: number, w: SgiWrite): void;
  /** The write `w` reaches every vCPU but `sender` (IRM = 1). */
  deliverAllBut(sender: number, w: SgiWrite): void;
  /**
   * Optional word-parallel form of `deliver`: the write reaches vCPU `word * 32 + b` for every
   * set bit b of `mask`, exactly as `deliver` per bit in ascending order would. Engines use it
   * when present (vsgi's multi-target lists) and fall back to `deliver` otherwise.
   */
  deliverWord?(word: number, mask: number, w: SgiWrite): void;
}

/** Called once per (vCPU, INTID) that newly became pending. */
export type KickHandler = (vcpu: number, intid: number) => void;

/**
 * The SGI state of every vCPU of one VM, and the sink engines deliver into.
 * @example
 * const s = new SgiState(4);
 * s.setPending(2, 1);
 * s.isPending(2, 1); // true
 */
export class SgiState implements DeliverySink {
  readonly count: number;
  readonly words: number;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Pending bitmaps, `[intid * words + (vcpu >>> 5)]`. */
  readonly pending: Uint32Array;
  readonly active: Uint32Array;
  readonly enabled: Uint32Array;
  /** Bit set = the INTID is configured Group 0 on that vCPU (reset: Group 1). */
  readonly group0: Uint32Array;
  /** Priority per `[vcpu * 16 + intid]`; lower value = higher priority. */
  readonly priority: Uint8Array;
  /** GICv2: bitmask of source CPUs with this SGI pending, `[vcpu * 16 + intid]`. */
  readonly sources: Uint8Array;
  /** Bits of the last word that are real vCPUs. */
  readonly #lastMask: number;
  /**
   * True for a plain SgiState. A subclass (e.g. the atomic shared state) may override
   * `deliver`; the word-parallel paths below then fall back to calling it per vCPU, so they
   * never bypass the subclass's rules.
   */
  readonly #plain: boolean;

  /** Deliveries accepted (newly pending + coalesced). */
  delivered = 0;
  /** Deliveries to an SGI that was already pending (one pending SGI remains: not a loss). */
  coalesced = 0;
  /** Targets newly made pending (each kicked once). */
  kicks = 0;
  /** Deliveries dropped because SGI0R/ASGI1R targeted an INTID configured as Group 1. */
  groupFiltered = 0;
  /** Called on every newly pending SGI, or null. */
  onKick: KickHandler | null = null;

  constructor(count: number, buffer?: ArrayBuffer | SharedArrayBuffer) {
    const layout = sgiStateLayout(count);
    this.count = count;
    this.words = layout.words;
    const fresh = buffer === undefined;
    this.buffer = buffer ?? new ArrayBuffer(layout.bytes);
    if (this.buffer.byteLength < layout.bytes) {
      throw new RangeError(`SGI state buffer of ${String(this.buffer.byteLength)} bytes is too small for ${String(count)} vCPUs (${String(layout.bytes)} needed)`);
    }
    const bitmap = SGI_COUNT * layout.words;
    this.pending = new Uint32Array(this.buffer, layout.pending, bitmap);
    this.active = new Uint32Array(this.buffer, layout.active, bitmap);
    this.enabled = new Uint32Array(this.buffer, layout.enabled, bitmap);
    this.group0 = new Uint32Array(this.buffer, layout.group0, bitmap);
    this.priority = new Uint8Array(this.buffer, layout.priority, count * SGI_COUNT);
    this.sources = new Uint8Array(this.buffer, layout.sources, count * SGI_COUNT);
    this.#lastMask = count % 32 === 0 ? 0xffff_ffff : (1 << count % 32) - 1;
    this.#plain = new.target === SgiState;
    if (fresh) this.reset();
  }

  /** Reset state: nothing pending or active, every SGI enabled, Group 1, priority 0xa0. */
  reset(): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.group0.fill(0);
    this.sources.fill(0);
    this.priority.fill(DEFAULT_PRIORITY);
    for (let i = 0; i < SGI_COUNT; i++) {
      const base = i * this.words;
      this.enabled.fill(0xffff_ffff, base, base + this.words - 1);
      this.enabled[base + this.words - 1] = this.#lastMask;
    }
    this.delivered = this.coalesced = this.kicks = this.groupFiltered = 0;
  }

  deliver(vcpu: number, w: SgiWrite): void {
    const i = w.intid * this.words + (vcpu >>> 5);
    const bit = 1 << (vcpu & 31);
    if (w.register !== SgiRegister.SGI1R && (this.group0[i]! & bit) === 0) {
      this.groupFiltered++;
      return;
    }
    const old = this.pending[i]!;
    this.delivered++;
    if ((old & bit) !== 0) {
      this.coalesced++;
      return;
    }
    this.pending[i] = old | bit;
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
    const i = w.intid * this.words + word;
    const old = this.pending[i]! | 0;
    this.pending[i] = old | m;
    const total = popcount32(m);
    const both = old & m;
    const coalesced = both === 0 ? 0 : both === m ? total : popcount32(both);
    this.delivered += total;
    this.coalesced += coalesced;
    this.kicks += total - coalesced;
  }

  /** `deliverWord` with the Group 0 filter, kick calls, or a subclass's own `deliver`. */
  #deliverWordGeneral(word: number, mask: number, w: SgiWrite): void {
    let m = mask | 0;
    if (!this.#plain) {
      while (m !== 0) {
        const b = 31 - Math.clz32(m & -m);
        m &= m - 1;
        this.deliver(word * 32 + b, w);
      }
      return;
    }
    const i = w.intid * this.words + word;
    if (w.register !== SgiRegister.SGI1R) {
      const g = m & this.group0[i]!;
      if (g !== m) this.groupFiltered += popcount32(m & ~g);
      m = g;
      if (m === 0) return;
    }
    const old = this.pending[i]!;
    this.pending[i] = old | m;
    this.countWord(word, m, m & ~old, w.intid);
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
    this.delivered += total;
    this.coalesced += total - kicked;
    this.kicks += kicked;
    if (this.onKick !== null) {
      let bits = fresh;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        this.onKick(word * 32 + b, intid);
      }
    }
  }

  deliverAllBut(sender: number, w: SgiWrite): void {
    const words = this.words;
    const base = w.intid * words;
    const senderWord = sender >>> 5;
    const g0only = w.register !== SgiRegister.SGI1R;
    if (!g0only && this.onKick === null) {
      // The common case (Group 1, nobody listening for kicks): every real vCPU but the sender
      // is delivered, so whole words are set to all-ones and only the coalesced count needs the
      // old words (no popcount for an idle or an all-pending word). The sender's word and the
      // last (partial) word take their mask; no bit is ever set that should not be.
      const pending = this.pending;
      const last = base + words - 1;
      const senderAt = senderWord < words ? base + senderWord : last;
      let coalesced = 0;
      // Whole words before the sender's, then after it, then the sender's and the last word.
      for (let k = base; k < senderAt; k++) {
        const old = pending[k]! | 0;
        if (old !== 0) coalesced += old === -1 ? 32 : popcount32(old);
        pending[k] = -1;
      }
      for (let k = senderAt + 1; k < last; k++) {
        const old = pending[k]! | 0;
        if (old !== 0) coalesced += old === -1 ? 32 : popcount32(old);
        pending[k] = -1;
      }
      const lastMask = this.#lastMask | 0;
      const senderMask = ~(1 << (sender & 31));
      if (senderAt !== last) {
        const old = pending[senderAt]! | 0;
        const both = old & senderMask;
        if (both !== 0) coalesced += popcount32(both);
        pending[senderAt] = old | senderMask;
      }
      const lastOld = pending[last]! | 0;
      const lastWordMask = senderWord < words && senderAt === last ? lastMask & senderMask : lastMask;
      const lastBoth = lastOld & lastWordMask;
      if (lastBoth !== 0) coalesced += popcount32(lastBoth);
      pending[last] = lastOld | lastWordMask;
      const total = sender >>> 0 < this.count ? this.count - 1 : this.count;
      this.delivered += total;
      this.coalesced += coalesced;
      this.kicks += total - coalesced;
      return;
    }
    for (let k = 0; k < words; k++) {
      let mask = k === words - 1 ? this.#lastMask : 0xffff_ffff;
      if (k === senderWord) mask &= ~(1 << (sender & 31));
      if (g0only) {
        const m = mask & this.group0[base + k]!;
        if (m !== mask) this.groupFiltered += popcount32((mask & ~m) >>> 0);
        mask = m;
      }
      if (mask === 0) continue;
      const old = this.pending[base + k]!;
      this.pending[base + k] = old | mask;
      this.countWord(k, mask, mask & ~old, w.intid);
    }
  }

  /** Marks an SGI pending directly (no group filter, no kick). */
  setPending(vcpu: number, intid: number): void {
    checkVcpu(vcpu, this.count);
    this.pending[intid * this.words + (vcpu >>> 5)]! |= 1 << (vcpu & 31);
  }

  isPending(vcpu: number, intid: number): boolean {
    return (this.pending[intid * this.words + (vcpu >>> 5)]! & (1 << (vcpu & 31))) !== 0;
  }

  isActive(vcpu: number, intid: number): boolean {
    return (this.active[intid * this.words + (vcpu >>> 5)]! & (1 << (vcpu & 31))) !== 0;
  }

  isEnabled(vcpu: number, intid: number): boolean {
    return (this.enabled[intid * this.words + (vcpu >>> 5)]! & (1 << (vcpu & 31))) !== 0;
  }

  /** The group (0 or 1) vCPU `vcpu` configured for `intid`. */
  groupOf(vcpu: number, intid: number): 0 | 1 {
    return (this.group0[intid * this.words + (vcpu >>> 5)]! & (1 << (vcpu & 31))) !== 0 ? 0 : 1;
  }

  /** Configures an SGI of one vCPU (GICR_ISENABLER0/ICENABLER0, IGROUPR0, IPRIORITYR). */
  configure(vcpu: number, intid: number, config: { readonly enabled?: boolean; readonly group?: 0 | 1; readonly priority?: number }): void {
    checkVcpu(vcpu, this.count);
    if (!Number.isInteger(intid) || intid < 0 || intid >= SGI_COUNT) throw new RangeError(`SGI INTID must be 0..15, got ${String(intid)}`);
    const i = intid * this.words + (vcpu >>> 5);
    const bit = 1 << (vcpu & 31);
    if (config.enabled !== undefined) this.enabled[i] = config.enabled ? this.enabled[i]! | bit : this.enabled[i]! & ~bit;
    if (config.group !== undefined) this.group0[i] = config.group === 0 ? this.group0[i]! | bit : this.group0[i]! & ~bit;
    if (config.priority !== undefined) {
      if (!Number.isInteger(config.priority) || config.priority < 0 || config.priority > 255) {
        throw new RangeError(`SGI priority must be 0..255, got ${String(config.priority)}`);
      }
      this.priority[vcpu * SGI_COUNT + intid] = config.priority;
    }
  }

  /**
   * The INTID an acknowledge would return for `vcpu`: the highest-priority (lowest value, then
   * lowest INTID) SGI that is pending, enabled and not active, if its priority is higher than
   * the running priority (the highest priority among active SGIs); else 1023.
   */
  highestPending(vcpu: number): number {
    const word = vcpu >>> 5;
    const bit = 1 << (vcpu & 31);
    let best = SPURIOUS_INTID;
    let bestPrio = IDLE_PRIORITY;
    let running = IDLE_PRIORITY;
    for (let intid = 0; intid < SGI_COUNT; intid++) {
      const i = intid * this.words + word;
      const prio = this.priority[vcpu * SGI_COUNT + intid]!;
      if ((this.active[i]! & bit) !== 0) {
        if (prio < running) running = prio;
        continue;
      }
      if ((this.pending[i]! & this.enabled[i]! & bit) !== 0 && prio < bestPrio) {
        best = intid;
        bestPrio = prio;
      }
    }
    return bestPrio < running ? best : SPURIOUS_INTID;
  }
}
