/**
 * A sink that records which vCPUs a write reached, for comparing engines with the reference
 * and for `vsgi route`. It keeps the order of deliveries and counts any vCPU reached twice.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";

export class RecordingSink implements DeliverySink {
  readonly targets: Int32Array;
  length = 0;
  /** Deliveries to a vCPU already reached by the same write (an engine bug). */
  duplicates = 0;
  readonly #seen: Uint8Array;
  readonly #count: number;

  constructor(count: number) {
    this.#count = count;
    this.targets = new Int32Array(count);
    this.#seen = new Uint8Array(count);
  }

  /** Forget the previous write's deliveries. */
  clear(): void {
    for (let i = 0; i < this.length; i++) this.#seen[this.targets[i]!] = 0;
    this.length = 0;
    this.duplicates = 0;
  }

  deliver(vcpu: number, _w: SgiWrite): void {
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.#count) throw new RangeError(`engine delivered to vCPU ${String(vcpu)} outside 0..${String(this.#count - 1)}`);
    if (this.#seen[vcpu] === 1) {
      this.duplicates++;
      return;
    }
    this.#seen[vcpu] = 1;
    this.targets[this.length++] = vcpu;
  }

  deliverAllBut(sender: number, w: SgiWrite): void {
    for (let v = 0; v < this.#count; v++) if (v !== sender) this.deliver(v, w);
  }

  /** The recorded targets in ascending order. */
  sorted(): number[] {
    return Array.from(this.targets.subarray(0, this.length)).sort((a, b) => a - b);
  }
}
