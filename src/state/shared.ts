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
import { bitIndex, vcpuBit } from "./bits.ts";
import { type SgiStateLayout, sgiStateLayout } from "./layout.ts";
import { SgiState } from "./sgi-state.ts";
import { describeValue, StateBufferError } from "../errors.ts";

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
    if (magic !== MAGIC_INITIALISING) throw new StateBufferError(`shared SGI state buffer has an unknown header (magic ${String(magic)})`);
    Atomics.wait(header, HEADER_MAGIC, MAGIC_INITIALISING, 1000);
  }
  const seen = Atomics.load(header, HEADER_COUNT);
  if (seen !== count) throw new StateBufferError(`shared SGI state buffer was initialised for ${String(seen)} vCPUs, not ${String(count)}`);
  const version = Atomics.load(header, HEADER_VERSION);
  if (version !== SHARED_LAYOUT_VERSION) throw new StateBufferError(`shared SGI state buffer has layout version ${String(version)}, expected ${String(SHARED_LAYOUT_VERSION)}`);
}

/**
 * SGI state in a `SharedArrayBuffer` that several threads (one `VirtualGic` per worker over the
 * same buffer) update at once: any thread may write SGI registers; each vCPU acknowledges and
 * EOIs its own SGIs. Counters (`delivered`, `coalesced`, `kicks`) are per instance, i.e. per
 * thread: sum them across threads.
 *
 * The first instance over a zeroed buffer initialises it (reset state); the others wait for
 * that and check the vCPU count. Every change goes through the atomic word operations below;
 * an acknowledge claims with an atomic clear and looks again if it lost a race. Its scan for the
 * highest-priority SGI still uses plain reads (in V8 an `Atomics.load` costs ~10× a plain read,
 * and 64 of them made an acknowledge 5–8× slower): the scan only proposes, the claim decides.
 * A stale read can only propose an SGI no longer pending (the claim fails, the scan runs
 * again) or miss one set an instant ago, which its sender's kick reports afterwards.
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

  /** A fresh, initialised shared buffer for `count` vCPUs. */
  static createBuffer(count: number): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer(sharedSgiLayout(count).bytes);
    new AtomicSgiState(count, buffer);
    return buffer;
  }

  constructor(count: number, buffer?: SharedArrayBuffer) {
    const layout = sharedSgiLayout(count);
    const shared = buffer ?? new SharedArrayBuffer(layout.bytes);
    if (!(shared instanceof SharedArrayBuffer)) throw new StateBufferError(`AtomicSgiState needs a SharedArrayBuffer, got ${describeValue(shared)}`, describeValue(shared));
    if (shared.byteLength < layout.bytes) {
      throw new StateBufferError(`shared SGI state buffer of ${String(shared.byteLength)} bytes is too small for ${String(count)} vCPUs (${String(layout.bytes)} needed; see sharedSgiLayout)`, String(shared.byteLength));
    }
    super(count, shared);
    this.header = new Int32Array(shared, shared.byteLength - HEADER_BYTES, HEADER_BYTES / 4);
    initialiseOnce(this, this.header, count);
  }

  protected override orBits(bitmap: Uint32Array, i: number, mask: number): number {
    return atomicOrNewly(bitmap, i, mask);
  }

  protected override clearBits(bitmap: Uint32Array, i: number, mask: number): number {
    return (Atomics.and(bitmap, i, ~mask) & mask) >>> 0;
  }

  protected override readWord(bitmap: Uint32Array, i: number): number {
    return Atomics.load(bitmap, i);
  }

  /** One target: the hot path, written out (one atomic OR) rather than through the word operations. */
  override deliver(vcpu: number, w: SgiWrite): void {
    const i = bitIndex(this.words, w.intid, vcpu);
    const bit = vcpuBit(vcpu);
    if (w.register !== SgiRegister.SGI1R && (Atomics.load(this.group0, i) & bit) === 0) {
      this.groupFiltered++;
      return;
    }
    // The OR's old value is the only trustworthy "was it pending?": a separate read could be stale.
    if ((Atomics.or(this.pending, i, bit) & bit) !== 0) {
      this.coalesced++;
      return;
    }
    this.kicks++;
    if (this.onKick !== null) this.onKick(vcpu, w.intid);
  }
}
