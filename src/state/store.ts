/**
 * The storage of the SGI state (GIC spec IHI 0069 §4.1 "interrupt lifecycle"): one buffer,
 * which may be a `SharedArrayBuffer`, viewed as per-INTID bitmaps over vCPUs (see bits.ts) plus
 * per-(vCPU, INTID) priority and GICv2 source bytes; the word operations every change goes
 * through (overridden with `Atomics` by AtomicSgiState); configuration, queries and the CPU
 * interface side: acknowledge and EOI. The delivery side is SgiState (sgi-state.ts).
 */
import { checkVcpu, describeValue, StateBufferError } from "../errors.ts";
import { checkIntid, checkSgiConfig } from "./config-check.ts";
import { bitIndex, lastWordMask, lowestBit, vcpuBit } from "./bits.ts";
import { DEFAULT_PRIORITY, SGI_COUNT, sgiStateLayout, SPURIOUS_INTID } from "./layout.ts";

/** Idle running priority: nothing active. */
const IDLE_PRIORITY = 0x100;

/** One SGI's configuration (GICR_ISENABLER0/ICENABLER0, IGROUPR0, IPRIORITYR). */
export interface SgiConfig {
  readonly enabled?: boolean;
  readonly group?: 0 | 1;
  readonly priority?: number;
}

/** The SGI state's buffer, word operations, configuration, acknowledge and EOI. */
export class SgiStore {
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
  protected readonly lastMask: number;

  constructor(count: number, buffer?: ArrayBuffer | SharedArrayBuffer) {
    const isBuffer = buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer);
    if (buffer !== undefined && !isBuffer) throw new StateBufferError(`SGI state buffer must be an ArrayBuffer or a SharedArrayBuffer, got ${describeValue(buffer)}`, describeValue(buffer));
    const layout = sgiStateLayout(count);
    this.count = count;
    this.words = layout.words;
    const fresh = buffer === undefined;
    this.buffer = buffer ?? new ArrayBuffer(layout.bytes);
    if (this.buffer.byteLength < layout.bytes) {
      throw new StateBufferError(`SGI state buffer of ${String(this.buffer.byteLength)} bytes is too small for ${String(count)} vCPUs (${String(layout.bytes)} needed; see sgiStateLayout)`, String(this.buffer.byteLength));
    }
    const bitmap = SGI_COUNT * layout.words;
    this.pending = new Uint32Array(this.buffer, layout.pending, bitmap);
    this.active = new Uint32Array(this.buffer, layout.active, bitmap);
    this.enabled = new Uint32Array(this.buffer, layout.enabled, bitmap);
    this.group0 = new Uint32Array(this.buffer, layout.group0, bitmap);
    this.priority = new Uint8Array(this.buffer, layout.priority, count * SGI_COUNT);
    this.sources = new Uint8Array(this.buffer, layout.sources, count * SGI_COUNT);
    this.lastMask = lastWordMask(count);
    if (fresh) this.reset();
  }

  /** ORs `mask` into word `i` of `bitmap`; returns the bits it newly set (uint32). */
  protected orBits(bitmap: Uint32Array, i: number, mask: number): number {
    const old = bitmap[i]!;
    bitmap[i] = old | mask;
    return (mask & ~old) >>> 0;
  }

  /** Clears `mask` in word `i` of `bitmap`; returns the bits of `mask` that were set (a claim). */
  protected clearBits(bitmap: Uint32Array, i: number, mask: number): number {
    const old = bitmap[i]!;
    bitmap[i] = old & ~mask;
    return (old & mask) >>> 0;
  }

  /** Word `i` of `bitmap`. */
  protected readWord(bitmap: Uint32Array, i: number): number {
    return bitmap[i]!;
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
      this.enabled[base + this.words - 1] = this.lastMask;
    }
  }

  /** A caller's (vCPU, INTID): typed errors, never an index outside the bitmaps. */
  #check(vcpu: number, intid: number): void {
    checkVcpu(vcpu, this.count);
    checkIntid(intid);
  }

  /** Marks an SGI pending directly (no group filter, no kick). */
  setPending(vcpu: number, intid: number): void {
    this.#check(vcpu, intid);
    this.orBits(this.pending, bitIndex(this.words, intid, vcpu), vcpuBit(vcpu));
  }

  isPending(vcpu: number, intid: number): boolean {
    this.#check(vcpu, intid);
    return (this.readWord(this.pending, bitIndex(this.words, intid, vcpu)) & vcpuBit(vcpu)) !== 0;
  }

  isActive(vcpu: number, intid: number): boolean {
    this.#check(vcpu, intid);
    return (this.readWord(this.active, bitIndex(this.words, intid, vcpu)) & vcpuBit(vcpu)) !== 0;
  }

  isEnabled(vcpu: number, intid: number): boolean {
    this.#check(vcpu, intid);
    return (this.readWord(this.enabled, bitIndex(this.words, intid, vcpu)) & vcpuBit(vcpu)) !== 0;
  }

  /** The group (0 or 1) vCPU `vcpu` configured for `intid`. */
  groupOf(vcpu: number, intid: number): 0 | 1 {
    this.#check(vcpu, intid);
    return (this.readWord(this.group0, bitIndex(this.words, intid, vcpu)) & vcpuBit(vcpu)) !== 0 ? 0 : 1;
  }

  /** Configures an SGI of one vCPU (GICR_ISENABLER0/ICENABLER0, IGROUPR0, IPRIORITYR). */
  configure(vcpu: number, intid: number, config: SgiConfig): void {
    checkVcpu(vcpu, this.count);
    checkSgiConfig(intid, config);
    const i = bitIndex(this.words, intid, vcpu);
    const bit = vcpuBit(vcpu);
    if (config.enabled !== undefined) {
      if (config.enabled) this.orBits(this.enabled, i, bit);
      else this.clearBits(this.enabled, i, bit);
    }
    if (config.group !== undefined) {
      if (config.group === 0) this.orBits(this.group0, i, bit);
      else this.clearBits(this.group0, i, bit);
    }
    // A byte store through Atomics works on plain and shared buffers alike; configuring is rare.
    if (config.priority !== undefined) Atomics.store(this.priority, vcpu * SGI_COUNT + intid, config.priority);
  }

  /**
   * The INTID an acknowledge would return for `vcpu`: the highest-priority (lowest value, then
   * lowest INTID) SGI that is pending, enabled and not active, if its priority is higher than
   * the running priority (the highest priority among active SGIs); else 1023.
   */
  highestPending(vcpu: number): number {
    const word = vcpu >>> 5;
    const bit = vcpuBit(vcpu);
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

  /**
   * Claims a pending SGI: clears its pending bit.
   * @returns true if it was pending (this caller owns the acknowledge), false if nothing was.
   */
  claimPending(vcpu: number, intid: number): boolean {
    return this.clearBits(this.pending, bitIndex(this.words, intid, vcpu), vcpuBit(vcpu)) !== 0;
  }

  /** Makes an SGI active (the second half of an acknowledge). */
  setActive(vcpu: number, intid: number): void {
    this.orBits(this.active, bitIndex(this.words, intid, vcpu), vcpuBit(vcpu));
  }

  /**
   * GICv3 acknowledge (ICC_IAR1_EL1 read) by vCPU `vcpu`: the highest-priority pending SGI is
   * claimed and becomes active. A claim that loses a race (only possible on a shared state:
   * another thread acknowledged the same vCPU first) looks again rather than returning an SGI
   * it does not own.
   * @returns the INTID, or 1023 when nothing can be signalled.
   */
  acknowledge(vcpu: number): number {
    checkVcpu(vcpu, this.count);
    for (;;) {
      const intid = this.highestPending(vcpu);
      if (intid === SPURIOUS_INTID) return SPURIOUS_INTID;
      if (this.claimPending(vcpu, intid)) {
        this.setActive(vcpu, intid);
        return intid;
      }
    }
  }

  /**
   * GICv2 acknowledge (GICC_IAR read): the highest-priority pending SGI becomes active for its
   * lowest pending source, which is cleared; other sources keep the SGI pending (active and
   * pending) until they are acknowledged too.
   * @returns the GICC_IAR value: INTID in bits 9:0, source CPU in bits 12:10; or 1023.
   */
  acknowledgeSource(vcpu: number): number {
    checkVcpu(vcpu, this.count);
    const intid = this.highestPending(vcpu);
    if (intid === SPURIOUS_INTID) return SPURIOUS_INTID;
    const i = bitIndex(this.words, intid, vcpu);
    const bit = vcpuBit(vcpu);
    this.orBits(this.active, i, bit);
    const k = vcpu * SGI_COUNT + intid;
    const sources = this.sources[k]!;
    const source = lowestBit(sources);
    this.sources[k] = sources & ~(1 << source);
    if (this.sources[k] === 0) this.clearBits(this.pending, i, bit);
    return (source << 10) | intid;
  }

  /**
   * End of interrupt of `intid` by vCPU `vcpu`: active → inactive.
   * @returns false if it was not active (nothing changed).
   */
  eoi(vcpu: number, intid: number): boolean {
    this.#check(vcpu, intid);
    return this.clearBits(this.active, bitIndex(this.words, intid, vcpu), vcpuBit(vcpu)) !== 0;
  }
}
