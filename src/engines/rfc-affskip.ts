/**
 * rfc-affskip — the 2023 RFC v2 "KVM: arm64: Accelerate SGI dispatch" (lore
 * 20230825015811.5292-1-zhaoxu.35@bytedance.com): take vCPU id = (Aff3.Aff2.Aff1 << 4) + bit
 * for each set TargetList bit, scanning from bit 0 (or bit 8 when the low byte is empty) up to
 * the highest set bit. Cost: one vCPU record per set bit; IRM visits n. Correct only when every
 * vCPU has KVM's default MPIDR for its id — the reviewer's objection: userspace may set any MPIDR.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import { kvmDefaultAffinity } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireLayout, requireNoRss, scanAllBut, type Support } from "./engine.ts";

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
    const rss = requireNoRss(topology, "The RFC");
    if (rss !== undefined) return rss;
    return requireLayout(
      topology,
      kvmDefaultAffinity,
      "the RFC assumes vCPU id = (Aff3.Aff2.Aff1 << 4) + Aff0 (KVM's default MPIDR) and would mis-deliver here",
    );
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const n = this.#count;
    if (w.irm === 1) return scanAllBut(n, sender, w, sink);
    const tl = w.targetList;
    if (tl === 0) return 0;
    const base = ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) * 16;
    const highest = 31 - Math.clz32(tl);
    let visits = 0;
    for (let bit = (tl & 0xff) !== 0 ? 0 : 8; bit <= highest; bit++) {
      if (((tl >>> bit) & 1) === 0) continue;
      visits++;
      const id = base + bit;
      if (id < n) sink.deliver(id, w);
    }
    return visits;
  }
}
