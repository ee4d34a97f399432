/**
 * xen — Xen, xen/arch/arm/vgic-v3.c vgic_v3_emulate_sgi1r + vgic.c vgic_to_sgi: Xen gives
 * vCPU i the affinity Aff1 = i >> 4, Aff0 = i & 15 and computes target ids arithmetically as
 * (Aff1 << 4) + bit; it reads only Aff1 of the write ("only AFF1 is used"), so a write naming
 * Aff2 or Aff3 ≠ 0 aliases to Aff2 = Aff3 = 0. Cost: one record per set bit; IRM visits n.
 * Layouts other than Xen's own are refused rather than mis-delivered.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireLayout, requireNoRss, scanAllBut, type Support } from "./engine.ts";

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
    const rss = requireNoRss(topology, "Xen");
    if (rss !== undefined) return rss;
    return requireLayout(topology, xenAffinity, "Xen fixes vCPU i's affinity to 0.0.(i >> 4).(i & 15) and cannot express this layout");
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
