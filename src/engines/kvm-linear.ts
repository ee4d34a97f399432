/**
 * kvm-linear — peer kvm-6.6: Linux ≤ 6.6, arch/arm64/kvm/vgic/vgic-mmio-v3.c vgic_v3_dispatch_sgi
 * (with match_mpidr): walk vCPUs in id order, stop once the remaining TargetList is empty, compare
 * each vCPU's Aff3.Aff2.Aff1 with the write, deliver and clear its Aff0 bit on a match — so of
 * several vCPUs sharing an affinity only the lowest is reached, and Aff0 > 15 never matches.
 * Cost: unicast to vCPU i visits i + 1; a target that does not exist visits all n; IRM visits n.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireNoRss, scanAllBut, type Support, writeCluster } from "./engine.ts";
import { peerSupport } from "./peer-support.ts";
import { PEER_LIMITS } from "./peers.ts";

export class KvmLinearEngine implements Engine {
  readonly name = "kvm-linear" as const;
  readonly origin = "Linux ≤ 6.6 vgic_v3_dispatch_sgi: scan vCPUs in id order until the TargetList is used up; unicast to vCPU i visits i + 1.";
  #affinity: Uint32Array = new Uint32Array(0);

  prepare(topology: Topology): Support {
    this.#affinity = topology.affinity;
    return requireNoRss(topology, "KVM") ?? peerSupport(topology, PEER_LIMITS["kvm-6.6"]);
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const affinity = this.#affinity;
    const n = affinity.length;
    // IRM: 6.6 skips the vCPU whose *index* equals the sender's vcpu_id (`c == vcpu_id`); 6.7
    // compares the vcpu pointers. They differ only when userspace created vCPUs with ids that are
    // not their creation index (then 6.6 signals the sender itself and skips another vCPU). vsgi
    // numbers vCPUs by index, so index and vcpu_id coincide and both forms skip the sender.
    if (w.irm === 1) return scanAllBut(n, sender, w, sink);
    const cluster = writeCluster(w);
    let remaining = w.targetList;
    let v = 0;
    for (; v < n && remaining !== 0; v++) {
      const a = affinity[v]!;
      if (a >>> 8 !== cluster) continue;
      const aff0 = a & 0xff;
      if (aff0 > 15 || ((remaining >>> aff0) & 1) === 0) continue;
      remaining &= ~(1 << aff0);
      sink.deliver(v, w);
    }
    return v;
  }
}
