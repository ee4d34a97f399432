/**
 * The wake-up protocol between vCPU threads sharing one SGI state (see README.md beside this file).
 *
 * Two SharedArrayBuffers go to every thread:
 * - the SGI state, `AtomicSgiState.createBuffer(count)`: pending/active bitmaps changed only with
 *   `Atomics`, so concurrent writes, acknowledges and EOIs lose nothing;
 * - the doorbells, one Int32 per vCPU: a counter the sender bumps after making an SGI pending.
 *
 * Sender (any thread, inside its VirtualGic `onKick` listener, which runs only when the target
 * was not already pending): `Atomics.add(bells, target, 1); Atomics.notify(bells, target)`.
 *
 * Receiver (the thread of vCPU `v`), in a loop:
 *   1. `seen = Atomics.load(bells, v)`            — read the doorbell BEFORE looking for work;
 *   2. acknowledge/EOI until acknowledge returns 1023 (nothing pending);
 *   3. `Atomics.wait(bells, v, seen)`             — sleep only if no kick came since step 1.
 * A kick that lands between 2 and 3 has changed the doorbell, so the wait returns at once
 * ("not-equal"): no wake-up is lost, and no SGI waits for the next kick.
 */

/** What a vCPU thread posts: once when it has sent all its SGIs, once when it stopped. */
export type VcpuMessage =
  | { readonly kind: "sent"; readonly vcpu: number }
  | { readonly kind: "stopped"; readonly report: VcpuReport };

/** One vCPU thread's counts. */
export interface VcpuReport {
  readonly vcpu: number;
  /** SGIs it sent (each to one target). */
  readonly sent: number;
  /** Of those, how many found the SGI already pending on the target (one pending bit per SGI). */
  readonly coalesced: number;
  /** SGIs it acknowledged and EOI'd. */
  readonly handled: number;
  /** Times it woke from `Atomics.wait`. */
  readonly wakeups: number;
}

/** What every thread is given. */
export interface VcpuThreadData {
  readonly vcpu: number;
  readonly count: number;
  readonly state: SharedArrayBuffer;
  readonly bells: SharedArrayBuffer;
  /** Int32 flag, set to 1 by the main thread when the run is over. */
  readonly stop: SharedArrayBuffer;
  /** SGIs this vCPU sends, round robin to the other vCPUs. */
  readonly sends: number;
}

/** A kick listener that rings the target's doorbell. */
export function ringDoorbell(bells: Int32Array): (vcpu: number) => void {
  return (vcpu) => {
    Atomics.add(bells, vcpu, 1);
    Atomics.notify(bells, vcpu);
  };
}
