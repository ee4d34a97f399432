/**
 * SGI state shared between threads: the `SharedArrayBuffer` layout (named offsets) and the
 * `Atomics` operations that make concurrent injection lose nothing.
 *
 * Why atomics: the pending bitmaps keep 32 vCPUs per word, so a plain `word |= bit` by a
 * sender thread and a plain `word &= ~bit` by a receiver acknowledging a *different* vCPU in
 * the same word are read-modify-write races. Whichever store lands last erases the other's
 * change: an SGI set pending vanishes (lost: the guest waits forever) or an acknowledged one
 * comes back (phantom). Here every change of a shared word is one `Atomics.or`/`Atomics.and`,
 * whose returned old value also decides, without a second read, whether a target was newly
 * pending (kick it) and whether an acknowledge really claimed the SGI.
 *
 * Buffer layout for `count` vCPUs (byte offsets; the SGI state comes first so a plain
 * {@link SgiState} reads the same buffer with the same offsets; the header takes the *last*
 * 16 bytes of the buffer, so every thread finds it whatever vCPU count it assumes):
 *
 *   0 ............ sgiStateLayout(count).bytes   SGI state (pending, active, enabled, group0,
 *                                                 priority, sources), see sgiStateLayout
 *   header + 0     HEADER_MAGIC    int32  0 = not initialised, 1 = being initialised, MAGIC = ready
 *   header + 4     HEADER_COUNT    int32  vCPU count the buffer was initialised for
 *   header + 8     HEADER_VERSION  int32  layout version
 *   header + 12    (reserved)
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import { SgiRegister } from "../arch/sgi-register.ts";
import { checkVcpu } from "../errors.ts";
import { popcount32, SGI_COUNT, SgiState, type SgiStateLayout, sgiStateLayout, SPURIOUS_INTID } from "./sgi-state.ts";

/** Int32 index of the magic word inside the header. */
export const HEADER_MAGIC = 0;
/** Int32 index of the vCPU count inside the header. */
export const HEADER_COUNT = 1;
/** Int32 index of the layout version inside the header. */
export const HEADER_VERSION = 2;
/** Header size in bytes. */
export const HEADER_BYTES = 16;
/** "vSGI" in ASCII: the buffer is initialised and ready. */
export const SHARED_MAGIC = 0x7653_4749;
/** Magic while one thread initialises the buffer. */
const MAGIC_INITIALISING = 1;
/** Bumped whenever the layout changes. */
export const SHARED_LAYOUT_VERSION = 1;

/** Byte offsets of a shared SGI-state buffer. */
export interface SharedSgiLayout {
  /** The SGI state, at the start of the buffer. */
  readonly state: SgiStateLayout;
  /** Byte offset of the header in a buffer of exactly `bytes` bytes (in general: byteLength - HEADER_BYTES). */
  readonly header: number;
  /** Total bytes to allocate. */
  readonly bytes: number;
}

/** Where everything lives in a shared SGI-state buffer for `count` vCPUs. */
export function sharedSgiLayout(count: number): SharedSgiLayout {
  const state = sgiStateLayout(count);
  return { state, header: state.bytes, bytes: state.bytes + HEADER_BYTES };
}

/**
 * Sets `bit` in word `i` atomically.
 * @returns true when the bit was clear before (this call made it set).
 */
export function atomicSetBit(words: Uint32Array, i: number, bit: number): boolean {
  return (Atomics.or(words, i, bit) & bit) === 0;
}

/**
 * Clears `bit` in word `i` atomically: a *claim*. Of several threads racing to clear the same
 * bit exactly one sees it set.
 * @returns true when the bit was set before (this call claimed it).
 */
export function atomicClearBit(words: Uint32Array, i: number, bit: number): boolean {
  return (Atomics.and(words, i, ~bit) & bit) !== 0;
}

/**
 * ORs `mask` into word `i` atomically.
 * @returns the bits of `mask` that were clear before (newly set by this call), as uint32.
 */
export function atomicOrNewly(words: Uint32Array, i: number, mask: number): number {
  return (mask & ~Atomics.or(words, i, mask)) >>> 0;
}

/** Whether `bit` of word `i` is set (a sequentially consistent load). */
export function atomicTestBit(words: Uint32Array, i: number, bit: number): boolean {
  return (Atomics.load(words, i) & bit) !== 0;
}

/** Initialises the header and state of a fresh shared buffer once, whoever gets there first. */
function initialiseOnce(state: AtomicSgiState, header: Int32Array, count: number): void {
  for (;;) {
    const magic = Atomics.compareExchange(header, HEADER_MAGIC, 0, MAGIC_INITIALISING);
    if (magic === 0) {
      // Plain writes are fine here: no other thread reads the state before the magic store below.
      state.reset();
      Atomics.store(header, HEADER_COUNT, count);
      Atomics.store(header, HEADER_VERSION, SHARED_LAYOUT_VERSION);
      Atomics.store(header, HEADER_MAGIC, SHARED_MAGIC);
      Atomics.notify(header, HEADER_MAGIC);
      return;
    }
    if (magic === SHARED_MAGIC) break;
    if (magic !== MAGIC_INITIALISING) throw new RangeError(`shared SGI state buffer has an unknown header (magic ${String(magic)})`);
    Atomics.wait(header, HEADER_MAGIC, MAGIC_INITIALISING, 1000);
  }
  const seen = Atomics.load(header, HEADER_COUNT);
  if (seen !== count) throw new RangeError(`shared SGI state buffer was initialised for ${String(seen)} vCPUs, not ${String(count)}`);
  const version = Atomics.load(header, HEADER_VERSION);
  if (version !== SHARED_LAYOUT_VERSION) throw new RangeError(`shared SGI state buffer has layout version ${String(version)}, expected ${String(SHARED_LAYOUT_VERSION)}`);
}

/**
 * SGI state in a `SharedArrayBuffer` that several threads (one `VirtualGic` per worker over the
 * same buffer) update at once: any thread may write SGI registers; each vCPU acknowledges and
 * EOIs its own SGIs. Counters (`delivered`, `coalesced`, `kicks`) are per instance, i.e. per
 * thread: sum them across threads.
 *
 * The first instance over a zeroed buffer initialises it (reset state); the others wait for
 * that and check the vCPU count.
 * @example
 * const buffer = AtomicSgiState.createBuffer(512);   // send `buffer` to workers
 * const s = new AtomicSgiState(512, buffer);         // in each worker
 * s.setPending(7, 1);
 * s.acknowledge(7); // 1
 */
export class AtomicSgiState extends SgiState {
  declare readonly buffer: SharedArrayBuffer;
  /** The header words (magic, count, version). */
  readonly header: Int32Array;
  readonly #lastMask: number;

  /** A fresh, initialised shared buffer for `count` vCPUs. */
  static createBuffer(count: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(sharedSgiLayout(count).bytes);
    new AtomicSgiState(count, buffer);
    return buffer;
  }

  constructor(count: number, buffer?: SharedArrayBuffer) {
    const layout = sharedSgiLayout(count);
    const shared = buffer ?? new SharedArrayBuffer(layout.bytes);
    if (!(shared instanceof SharedArrayBuffer)) throw new TypeError("AtomicSgiState needs a SharedArrayBuffer");
    if (shared.byteLength < layout.bytes) {
      throw new RangeError(`shared SGI state buffer of ${String(shared.byteLength)} bytes is too small for ${String(count)} vCPUs (${String(layout.bytes)} needed; see sharedSgiLayout)`);
    }
    super(count, shared);
    this.header = new Int32Array(shared, shared.byteLength - HEADER_BYTES, HEADER_BYTES / 4);
    this.#lastMask = count % 32 === 0 ? 0xffff_ffff : (1 << count % 32) - 1;
    initialiseOnce(this, this.header, count);
  }

  override deliver(vcpu: number, w: SgiWrite): void {
    const i = w.intid * this.words + (vcpu >>> 5);
    const bit = 1 << (vcpu & 31);
    if (w.register !== SgiRegister.SGI1R && (Atomics.load(this.group0, i) & bit) === 0) {
      this.groupFiltered++;
      return;
    }
    this.delivered++;
    // The OR's old value is the only trustworthy "was it pending?": a separate read could be stale.
    if ((Atomics.or(this.pending, i, bit) & bit) !== 0) {
      this.coalesced++;
      return;
    }
    this.kicks++;
    if (this.onKick !== null) this.onKick(vcpu, w.intid);
  }

  /** Several targets in one bitmap word: one atomic OR, whose old value splits kicks from coalesced. */
  override deliverWord(word: number, mask: number, w: SgiWrite): void {
    let m = mask | 0;
    const i = w.intid * this.words + word;
    if (w.register !== SgiRegister.SGI1R) {
      const g = m & Atomics.load(this.group0, i);
      if (g !== m) this.groupFiltered += popcount32((m & ~g) >>> 0);
      m = g;
    }
    if (m === 0) return;
    this.countWord(word, m, atomicOrNewly(this.pending, i, m), w.intid);
  }

  override deliverAllBut(sender: number, w: SgiWrite): void {
    const words = this.words;
    const base = w.intid * words;
    const senderWord = sender >>> 5;
    const g0only = w.register !== SgiRegister.SGI1R;
    for (let k = 0; k < words; k++) {
      let mask = k === words - 1 ? this.#lastMask : 0xffff_ffff;
      if (k === senderWord) mask &= ~(1 << (sender & 31));
      if (g0only) {
        const m = mask & Atomics.load(this.group0, base + k);
        if (m !== mask) this.groupFiltered += popcount32((mask & ~m) >>> 0);
        mask = m;
      }
      if (mask === 0) continue;
      this.countWord(k, mask, atomicOrNewly(this.pending, base + k, mask), w.intid);
    }
  }

  /** Marks an SGI pending directly (no group filter, no kick). */
  override setPending(vcpu: number, intid: number): void {
    checkVcpu(vcpu, this.count);
    Atomics.or(this.pending, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  override isPending(vcpu: number, intid: number): boolean {
    return atomicTestBit(this.pending, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  override isActive(vcpu: number, intid: number): boolean {
    return atomicTestBit(this.active, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  override isEnabled(vcpu: number, intid: number): boolean {
    return atomicTestBit(this.enabled, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  override groupOf(vcpu: number, intid: number): 0 | 1 {
    return atomicTestBit(this.group0, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31)) ? 0 : 1;
  }

  override configure(vcpu: number, intid: number, config: { readonly enabled?: boolean; readonly group?: 0 | 1; readonly priority?: number }): void {
    checkVcpu(vcpu, this.count);
    if (!Number.isInteger(intid) || intid < 0 || intid >= SGI_COUNT) throw new RangeError(`SGI INTID must be 0..15, got ${String(intid)}`);
    if (config.priority !== undefined && (!Number.isInteger(config.priority) || config.priority < 0 || config.priority > 255)) {
      throw new RangeError(`SGI priority must be 0..255, got ${String(config.priority)}`);
    }
    const i = intid * this.words + (vcpu >>> 5);
    const bit = 1 << (vcpu & 31);
    if (config.enabled !== undefined) {
      if (config.enabled) Atomics.or(this.enabled, i, bit);
      else Atomics.and(this.enabled, i, ~bit);
    }
    if (config.group !== undefined) {
      if (config.group === 0) Atomics.or(this.group0, i, bit);
      else Atomics.and(this.group0, i, ~bit);
    }
    if (config.priority !== undefined) Atomics.store(this.priority, vcpu * SGI_COUNT + intid, config.priority);
  }

  /**
   * Claims a pending SGI: clears its pending bit atomically.
   * @returns true if it was pending (this caller owns the acknowledge), false if nothing was.
   */
  claimPending(vcpu: number, intid: number): boolean {
    return atomicClearBit(this.pending, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  /** Makes an SGI active (the second half of an acknowledge). */
  setActive(vcpu: number, intid: number): void {
    Atomics.or(this.active, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }

  /**
   * Acknowledge (ICC_IAR1_EL1 read) by vCPU `vcpu`: the highest-priority pending SGI is claimed
   * and becomes active. A claim that loses a race (another thread acknowledged the same vCPU
   * first) looks again rather than returning an SGI it does not own.
   *
   * The scan for the highest-priority SGI is the plain `highestPending` (plain reads: in V8 an
   * `Atomics.load` costs ~10× a plain read, and 64 of them made an acknowledge 5–8× slower).
   * That is safe because the scan only proposes: the atomic claim decides. A stale read can only
   * propose an SGI that is no longer pending (the claim fails and the scan runs again) or miss
   * one set an instant ago, which its sender's kick reports afterwards.
   * @returns the INTID, or 1023 when nothing can be signalled.
   */
  acknowledge(vcpu: number): number {
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
   * EOI of `intid` by vCPU `vcpu`: active → inactive.
   * @returns false if it was not active (nothing changed).
   */
  eoi(vcpu: number, intid: number): boolean {
    return atomicClearBit(this.active, intid * this.words + (vcpu >>> 5), 1 << (vcpu & 31));
  }
}
