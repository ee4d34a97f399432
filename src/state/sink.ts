/** The contract between dispatch engines and whatever records their deliveries. */
import type { SgiWrite } from "../arch/sgi-register.ts";

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
  /**
   * Optional batch of `deliverWord`: word `words[g]` gets `masks[g]` for g in [from, to), in
   * that order, exactly as `deliverWord` per group would; `total` is the number of set bits in
   * those masks (the caller knows it, so the sink need not count).
   */
  deliverWords?(words: Int32Array, masks: Int32Array, from: number, to: number, total: number, w: SgiWrite): void;
}

/** Called once per (vCPU, INTID) that newly became pending. */
export type KickHandler = (vcpu: number, intid: number) => void;
