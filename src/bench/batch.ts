/**
 * Write batches: a workload turns (topology, write count, seed) into a `WriteBatch` of typed
 * arrays — the register's uint32 halves, the sender and the register kind — so every engine is
 * timed on the same input and no encoding happens in the timed loop.
 */
import { SgiRegister } from "../arch/sgi-register.ts";
import type { Topology } from "../topology/topology.ts";

/** Pre-encoded register writes, index i = write i. */
export interface WriteBatch {
  /** Bits 63:32 of each write. */
  readonly hi: Uint32Array;
  /** Bits 31:0 of each write. */
  readonly lo: Uint32Array;
  /** The writing vCPU of each write. */
  readonly sender: Uint32Array;
  /** `SgiRegister` of each write (SGI1R = 0 for every built-in workload). */
  readonly register: Uint8Array;
  /** Number of writes. */
  readonly count: number;
  /** The IPI (guest send operation) each write belongs to, when one IPI became several writes. */
  readonly ipi?: Uint32Array;
}

/** What a workload is generated for. */
export interface WorkloadContext {
  readonly topology: Topology;
  /** How many writes to produce (a workload with a fixed length, such as a replay, may differ). */
  readonly writes: number;
  readonly seed: number;
}

/** A named workload. */
export interface Workload {
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** Why the workload cannot run on `topology`, or undefined when it can. */
  unsupported?(topology: Topology): string | undefined;
  /** The writes; the same context must always give the same writes. */
  generate(ctx: WorkloadContext): WriteBatch | Promise<WriteBatch>;
}

/** Accumulates writes into a `WriteBatch` (grows its arrays; generation time only). */
export class WriteBatchBuilder {
  #hi = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  #sender = new Uint32Array(1024);
  #register = new Uint8Array(1024);
  #ipi = new Uint32Array(1024);
  #withIpi = false;
  count = 0;

  /** Appends one write; `ipi` groups writes that one guest send produced. */
  push(hi: number, lo: number, sender: number, register: SgiRegister = SgiRegister.SGI1R, ipi?: number): void {
    if (this.count === this.#hi.length) this.#grow();
    const i = this.count++;
    this.#hi[i] = hi;
    this.#lo[i] = lo;
    this.#sender[i] = sender;
    this.#register[i] = register;
    if (ipi !== undefined) {
      this.#withIpi = true;
      this.#ipi[i] = ipi;
    }
  }

  #grow(): void {
    const size = this.#hi.length * 2;
    const grow = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#hi = grow(this.#hi, (n) => new Uint32Array(n));
    this.#lo = grow(this.#lo, (n) => new Uint32Array(n));
    this.#sender = grow(this.#sender, (n) => new Uint32Array(n));
    this.#register = grow(this.#register, (n) => new Uint8Array(n));
    this.#ipi = grow(this.#ipi, (n) => new Uint32Array(n));
  }

  /** The batch, trimmed to the writes pushed (at most `limit`). */
  build(limit = this.count): WriteBatch {
    const n = Math.min(limit, this.count);
    const batch = {
      hi: this.#hi.slice(0, n),
      lo: this.#lo.slice(0, n),
      sender: this.#sender.slice(0, n),
      register: this.#register.slice(0, n),
      count: n,
    };
    return this.#withIpi ? { ...batch, ipi: this.#ipi.slice(0, n) } : batch;
  }
}
