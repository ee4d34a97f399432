/**
 * xen — peer xen-4.x: Xen 4.14–4.22 (read at RELEASE-4.22.0), xen/arch/arm/vgic-v3.c
 * vgic_v3_emulate_sgi1r / vgic_v3_to_sgi + vgic.c vgic_to_sgi: Xen gives
 * vCPU i the affinity Aff1 = i >> 4, Aff0 = i & 15 and computes target ids arithmetically as
 * (Aff1 << 4) + bit; it reads only Aff1 of the write ("only AFF1 is used"), so a write naming
 * Aff2 or Aff3 ≠ 0 aliases to Aff2 = Aff3 = 0. Cost: one record per set bit; IRM visits n.
 * Layouts other than Xen's own are refused rather than mis-delivered. Offline targets, SGI0R/ASGI1R
 * (UNDEF) and GICv2 filter 3 (data abort) are Xen's rules in peer-rules.ts.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireLayout, requireNoRss, requireStrictLayout, scanAllBut, type Support } from "./engine.ts";
import { peerSupport } from "./peer-support.ts";
import { PEER_LIMITS } from "./peers.ts";

/** Xen's vcpuid_to_vaffinity for ids below 4096 (Aff2 = Aff3 = 0). */
export function xenAffinity(id: number): number {
  return (((id >>> 4) & 0xff) << 8) | (id & 0xf);
}

export class XenEngine implements Engine {
  readonly name = "xen" as const;
  readonly origin = "Xen vgic_to_sgi: id = (Aff1 << 4) + bit, Aff2/Aff3 of the write ignored; one record per set bit, only on Xen's own layout.";
  #count = 0;

  prepare(topology: Topology): Support {
    this.#count = topology.count;
    const refused = requireNoRss(topology, "Xen") ?? requireStrictLayout(topology, "Xen");
    if (refused !== undefined) return refused;
    const layout = requireLayout(topology, xenAffinity, "Xen fixes vCPU i's affinity to 0.0.(i >> 4).(i & 15) and cannot express this layout");
    return layout.supported ? peerSupport(topology, PEER_LIMITS["xen-4.x"]) : layout;
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const n = this.#count;
    if (w.irm === 1) return scanAllBut(n, sender, w, sink);
    const base = w.aff1 << 4;
    let visits = 0;
    let tl = w.targetList;
    while (tl !== 0) {
      const bit = 31 - Math.clz32(tl & -tl);
      tl &= tl - 1;
      visits++;
      const id = base + bit;
      if (id < n) sink.deliver(id, w);
    }
    return visits;
  }
}
