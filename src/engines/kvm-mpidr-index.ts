/**
 * kvm-mpidr-index — Linux ≥ 6.7 (commits 5544750efd51, 54a8006d0b49, b5daffb120bb):
 * mask = (OR of all affinities) XOR (AND of them), the bits that vary; an affinity's index is
 * its mask bits gathered in ascending order (software PEXT); a table index → vCPU exists only if
 * 8 + 2·2^popcount(mask) bytes fit one 4 KiB page (≤ 10 varying bits). A lookup reads one slot
 * and accepts it only if that vCPU's affinity is the requested one; without a table every lookup
 * is a linear walk — a k-target write costs k walks. IRM visits n; RS is ignored.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import { popcount32 } from "../state/bits.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireNoRss, scanAllBut, type Support } from "./engine.ts";

/** KVM allocates the index table only if it fits one page. */
const PAGE_BYTES = 4096;
/** Header of KVM's table (the mask) before the u16 slots. */
const TABLE_HEADER_BYTES = 8;

/** Gathers the bits of `value` selected by `mask`, lowest first (PEXT). */
export function compressBits(value: number, mask: number): number {
  let index = 0;
  let position = 0;
  let m = mask;
  while (m !== 0) {
    const bit = m & -m;
    if ((value & bit) !== 0) index |= 1 << position;
    position++;
    m &= m - 1;
  }
  return index >>> 0;
}

export class KvmMpidrIndexEngine implements Engine {
  readonly name = "kvm-mpidr-index" as const;
  readonly origin = "Linux ≥ 6.7 kvm_mpidr_to_vcpu: compressed-MPIDR table (≤ 10 varying affinity bits), else a linear walk per target; IRM visits n.";
  #affinity: Uint32Array = new Uint32Array(0);
  #mask = 0;
  /** Slot → vCPU index; null when the table would not fit a page. */
  #table: Uint16Array | null = null;

  prepare(topology: Topology): Support {
    this.#affinity = topology.affinity;
    let or = 0;
    let and = 0xffff_ffff;
    for (const a of topology.affinity) {
      or |= a;
      and &= a;
    }
    this.#mask = (or ^ and) >>> 0;
    const bits = popcount32(this.#mask);
    this.#table = null;
    if (TABLE_HEADER_BYTES + 2 * 2 ** bits <= PAGE_BYTES) {
      // Unfilled slots stay 0 (vCPU 0), as in KVM; the affinity check rejects them.
      const table = new Uint16Array(2 ** bits);
      topology.affinity.forEach((a, v) => {
        table[compressBits(a, this.#mask)] = v;
      });
      this.#table = table;
    }
    const rss = requireNoRss(topology, "KVM");
    if (rss !== undefined) return rss;
    return {
      supported: true,
      note:
        this.#table !== null
          ? `index table of ${String(2 ** bits)} slots (${String(bits)} varying affinity bits)`
          : `no index table: ${String(bits)} varying affinity bits need ${String(TABLE_HEADER_BYTES + 2 * 2 ** bits)} bytes > one 4 KiB page; linear walk per target`,
    };
  }

  /** Whether the layout got an index table (false: linear fallback). */
  get hasTable(): boolean {
    return this.#table !== null;
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const affinity = this.#affinity;
    const n = affinity.length;
    if (w.irm === 1) return scanAllBut(n, sender, w, sink);
    const clusterBits = ((w.aff3 << 24) | (w.aff2 << 16) | (w.aff1 << 8)) >>> 0;
    const table = this.#table;
    const mask = this.#mask;
    let visits = 0;
    let tl = w.targetList;
    while (tl !== 0) {
      const aff0 = 31 - Math.clz32(tl & -tl);
      tl &= tl - 1;
      const want = (clusterBits | aff0) >>> 0;
      if (table !== null) {
        visits++;
        const v = table[compressBits(want, mask)]!;
        if (affinity[v] === want) sink.deliver(v, w);
      } else {
        for (let v = 0; v < n; v++) {
          visits++;
          if (affinity[v] === want) {
            sink.deliver(v, w);
            break;
          }
        }
      }
    }
    return visits;
  }
}
