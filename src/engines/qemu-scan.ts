/**
 * qemu-scan — peer qemu-7.2+: QEMU TCG, hw/intc/arm_gicv3_cpuif.c icc_generate_sgi (read at
 * 019fbfa4bcd2): for every CPU in index order (no early exit), IRM = 1 reaches all but the
 * writer; otherwise compare the CPU's Aff3.Aff2.Aff1 with the write and test its Aff0 bit in
 * TargetList (Aff0 > 15 skipped). RS is ignored. Every CPU sharing an affinity is reached.
 * The group check happens afterwards in gicv3_redist_send_sgi (see peer-rules.ts).
 * Cost: n visits per write, always.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import { type Engine, requireNoRss, type Support, writeCluster } from "./engine.ts";
import { peerSupport } from "./peer-support.ts";
import { PEER_LIMITS } from "./peers.ts";

export class QemuScanEngine implements Engine {
  readonly name = "qemu-scan" as const;
  readonly origin = "QEMU TCG icc_generate_sgi: every CPU compared, no early exit; n visits per write.";
  #affinity: Uint32Array = new Uint32Array(0);

  prepare(topology: Topology): Support {
    this.#affinity = topology.affinity;
    return requireNoRss(topology, "QEMU") ?? peerSupport(topology, PEER_LIMITS["qemu-7.2+"]);
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const affinity = this.#affinity;
    const n = affinity.length;
    const cluster = writeCluster(w);
    const irm = w.irm === 1;
    const tl = w.targetList;
    for (let v = 0; v < n; v++) {
      if (irm) {
        if (v !== sender) sink.deliver(v, w);
        continue;
      }
      const a = affinity[v]!;
      const aff0 = a & 0xff;
      if (a >>> 8 === cluster && aff0 < 16 && ((tl >>> aff0) & 1) === 1) sink.deliver(v, w);
    }
    return n;
  }
}
