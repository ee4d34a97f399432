/**
 * kvm-mpidr-index — peers kvm-6.10+ (default) and kvm-6.7: Linux arch/arm64/kvm/arm.c
 * kvm_init_mpidr_data / kvm_mpidr_to_vcpu and vgic-mmio-v3.c vgic_v3_dispatch_sgi (commits
 * 5544750efd51, 54a8006d0b49, b5daffb120bb; ce5d2448eb8f in 6.10). At first run: mask = (OR of
 * all affinities) XOR (AND of them); an affinity's index is its mask bits gathered lowest first
 * (software PEXT); a table index → vCPU is allocated only if 8 + 2·2^popcount(mask) bytes fit one
 * host page (4 KiB: ≤ 10 bits, 16 KiB: ≤ 12, 64 KiB: ≤ 14) and the VM has more than one vCPU;
 * later vCPUs overwrite a shared slot, so duplicates resolve to the highest index. A lookup reads
 * one slot and accepts it only if that vCPU's affinity is the requested one. On a miss 6.7–6.9
 * return NULL after that slot; 6.10 falls back to the walk over every vCPU (the lowest match
 * wins). Without a table every lookup is a walk — a k-target write costs k walks. IRM visits n.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import { popcount32 } from "../state/bits.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireNoRss, scanAllBut, type Support } from "./engine.ts";
import { peerSupport } from "./peer-support.ts";
import { PEER_LIMITS } from "./peers.ts";

/** Host page sizes of arm64 kernels: KVM allocates the index table only if it fits one page. */
export const PAGE_SIZES = [4096, 16384, 65536] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
/** Header of KVM's table (the u64 mask) before the u16 slots. */
const TABLE_HEADER_BYTES = 8;

/** The most varying affinity bits whose table still fits a page of `pageSize` bytes. */
export function maxIndexBits(pageSize: PageSize): number {
  let bits = 0;
  while (TABLE_HEADER_BYTES + 2 * 2 ** (bits + 1) <= pageSize) bits++;
  return bits;
}

/** Options of the KVM ≥ 6.7 model. */
export interface KvmMpidrIndexOptions {
  /** Host PAGE_SIZE in bytes (default 4096). */
  readonly pageSize?: PageSize;
  /** "6.10" (default): a table miss falls back to a full walk; "6.7": 6.7–6.9, NULL after one slot. */
  readonly version?: "6.7" | "6.10";
}

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
  /** Slot → vCPU index; null when the table would not fit a page (or the VM has one vCPU). */
  #table: Uint16Array | null = null;
  readonly pageSize: PageSize;
  readonly version: "6.7" | "6.10";

  constructor(options: KvmMpidrIndexOptions = {}) {
    this.pageSize = options.pageSize ?? 4096;
    this.version = options.version ?? "6.10";
  }

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
    // kvm_init_mpidr_data: "Single vcpu VMs do not need this either".
    const fits = TABLE_HEADER_BYTES + 2 * 2 ** bits <= this.pageSize;
    if (topology.count > 1 && fits) {
      // Unfilled slots stay 0 (vCPU 0), as in KVM; the affinity check rejects them.
      const table = new Uint16Array(2 ** bits);
      topology.affinity.forEach((a, v) => {
        table[compressBits(a, this.#mask)] = v;
      });
      this.#table = table;
    }
    const rss = requireNoRss(topology, "KVM");
    if (rss !== undefined) return rss;
    const page = `${String(this.pageSize / 1024)} KiB page`;
    const note =
      this.#table !== null
        ? `index table of ${String(2 ** bits)} slots (${String(bits)} varying affinity bits, fits one ${page})`
        : topology.count === 1
          ? "no index table: a 1-vCPU VM never gets one; every lookup walks the one vCPU"
          : `no index table: ${String(bits)} varying affinity bits need ${String(TABLE_HEADER_BYTES + 2 * 2 ** bits)} bytes > one ${page}; linear walk per target`;
    return peerSupport(topology, this.version === "6.7" ? PEER_LIMITS["kvm-6.7"] : PEER_LIMITS["kvm-6.10+"], note);
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
        if (affinity[v] === want) {
          sink.deliver(v, w);
          continue;
        }
        if (this.version === "6.7") continue;
        // 6.10 (ce5d2448eb8f): a miss falls through to the walk.
        for (let u = 0; u < n; u++) {
          visits++;
          if (affinity[u] === want) {
            sink.deliver(u, w);
            break;
          }
        }
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
