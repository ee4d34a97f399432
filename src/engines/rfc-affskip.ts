/**
 * rfc-affskip — peer rfc-v2: "[RFC v2] KVM: arm/arm64: optimize vSGI injection performance"
 * (Xu Zhao, 2023, lore 20230825015811.5292-1-zhaoxu.35@bytedance.com; not merged), its
 * vgic_v3_dispatch_sgi on a 6.5 host: base = (Aff3.Aff2.Aff1) << 4 is taken as a vCPU id; if base
 * is not below the number of vCPUs the write returns at once; otherwise the TargetList is walked
 * from bit 0 (bit 8 when the low byte is empty) while 1 << bit ≤ TargetList, and each set bit's
 * vCPU is fetched with kvm_get_vcpu_by_id(base + bit). A missing id costs that lookup's walk of
 * every vCPU and then `break` drops the rest of the TargetList. IRM visits n.
 * Correct only when every vCPU has KVM's default MPIDR for its id — the reviewer's objection.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import { kvmDefaultAffinity } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireLayout, requireNoRss, requireStrictLayout, scanAllBut, type Support } from "./engine.ts";
import { peerSupport } from "./peer-support.ts";
import { PEER_LIMITS } from "./peers.ts";

export class RfcAffskipEngine implements Engine {
  readonly name = "rfc-affskip" as const;
  readonly origin = "2023 RFC v2 (not merged): vCPU id computed as (Aff3.Aff2.Aff1 << 4) + TargetList bit; one record per set bit, only on KVM's default layout.";
  #count = 0;
  readonly #unchecked: boolean;

  /**
   * @param unchecked dispatch even on layouts the id arithmetic gets wrong, to show what the RFC
   *   would have delivered there (tests and the explorer only).
   */
  constructor(unchecked = false) {
    this.#unchecked = unchecked;
  }

  prepare(topology: Topology): Support {
    this.#count = topology.count;
    if (this.#unchecked) return { supported: true, note: "unchecked: the layout was not validated" };
    const refused = requireNoRss(topology, "The RFC") ?? requireStrictLayout(topology, "The RFC");
    if (refused !== undefined) return refused;
    const layout = requireLayout(
      topology,
      kvmDefaultAffinity,
      "the RFC assumes vCPU id = (Aff3.Aff2.Aff1 << 4) + Aff0 (KVM's default MPIDR) and would mis-deliver here",
    );
    return layout.supported ? peerSupport(topology, PEER_LIMITS["rfc-v2"]) : layout;
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const n = this.#count;
    if (w.irm === 1) return scanAllBut(n, sender, w, sink);
    const base = ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) * 16;
    // "exit if meet a wrong affinity value": nothing examined, nothing delivered.
    if (base >= n) return 0;
    const tl = w.targetList;
    let visits = 0;
    for (let bit = (tl & 0xff) !== 0 ? 0 : 8; 1 << bit <= tl; bit++) {
      if (((tl >>> bit) & 1) === 0) continue;
      const id = base + bit;
      // kvm_get_vcpu_by_id: kvm_get_vcpu(id) is one record (6.5 clamps an out-of-range index to
      // vCPU 0 via array_index_nospec, whose vcpu_id then mismatches) …
      visits++;
      if (id < n) {
        sink.deliver(id, w);
        continue;
      }
      // … then the walk over every vCPU comparing vcpu_id finds nothing, and `break` drops the
      // remaining TargetList bits.
      visits += n;
      break;
    }
    return visits;
  }
}
