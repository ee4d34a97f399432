/**
 * What a Linux guest's GICv3 driver writes for one IPI (drivers/irqchip/irq-gic-v3.c,
 * gic_ipi_send_mask, described from its behaviour): the cpumask is walked in logical CPU order
 * and each run of consecutive CPUs whose MPIDR agrees above Aff0's low 4 bits (same
 * Aff3.Aff2.Aff1 and same RS = Aff0 >> 4) becomes one ICC_SGI1R_EL1 write with TargetList bit
 * Aff0 & 15. IRM is never set. Logical CPU n is vCPU n here.
 */
import { encodeSgiHiLo } from "../arch/sgi-register.ts";
import { checkVcpu } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";

/** One register write as uint32 halves. */
export interface HiLo {
  readonly hi: number;
  readonly lo: number;
}

/**
 * The SGI1R writes Linux makes to send SGI `intid` to `cpus` (any order; duplicates ignored).
 * @example linuxSgi1rWrites(presetTopology("kvm:64"), [1, 2, 17], 1).length // 2
 */
export function linuxSgi1rWrites(topology: Topology, cpus: Iterable<number>, intid: number): HiLo[] {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  for (const c of sorted) checkVcpu(c, topology.count, "cpumask");
  const out: HiLo[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = topology.affinity[sorted[i]!]!;
    const group = first >>> 4;
    let targetList = 0;
    while (i < sorted.length && topology.affinity[sorted[i]!]! >>> 4 === group) {
      targetList |= 1 << (topology.affinity[sorted[i]!]! & 0xf);
      i++;
    }
    out.push(
      encodeSgiHiLo({ intid, aff3: first >>> 24, aff2: (first >>> 16) & 0xff, aff1: (first >>> 8) & 0xff, rs: (first & 0xff) >>> 4, targetList }),
    );
  }
  return out;
}
