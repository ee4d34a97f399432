/**
 * reference — the specification of SGI targeting written for clarity, not speed
 * (IHI 0069 §12.2 ICC_SGI1R_EL1: IRM = 1 reaches every PE but the writer; otherwise bit n of
 * TargetList reaches the PE with affinity Aff3.Aff2.Aff1.(RS*16 + n), RS counting only when
 * the VM advertises RSS). Cost: every vCPU examined, n visits per write.
 *
 * Configured as a peer (`new ReferenceEngine({ duplicates })`) it also makes that peer's choice
 * among vCPUs sharing one affinity (userspace mode): the lowest, the highest, or all of them.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import type { Engine, Support } from "./engine.ts";

export class ReferenceEngine implements Engine {
  readonly name = "reference" as const;
  readonly origin = "The architecture's rule applied to every vCPU in turn; n visits per write.";
  #topology: Topology | undefined;
  readonly #duplicates: "lowest" | "highest" | "all";
  /** 1 where the vCPU is the one its affinity's targeted SGIs reach. */
  #chosen = new Uint8Array(0);

  constructor(options: { readonly duplicates?: "lowest" | "highest" | "all" } = {}) {
    this.#duplicates = options.duplicates ?? "lowest";
  }

  prepare(topology: Topology): Support {
    this.#topology = topology;
    this.#chosen = new Uint8Array(topology.count).fill(1);
    if (this.#duplicates !== "all") {
      for (const { vcpus } of topology.ambiguities()) {
        const keep = this.#duplicates === "lowest" ? vcpus[0]! : vcpus[vcpus.length - 1]!;
        for (const v of vcpus) if (v !== keep) this.#chosen[v] = 0;
      }
    }
    return { supported: true };
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const t = this.#topology!;
    for (let v = 0; v < t.count; v++) {
      if (isTargetOf(t, v, w, sender) && (w.irm === 1 || this.#chosen[v] === 1)) sink.deliver(v, w);
    }
    return t.count;
  }
}

/** Whether the write `w` from `sender` reaches vCPU `v` (the rule itself). */
export function isTargetOf(t: Topology, v: number, w: SgiWrite, sender: number): boolean {
  if (w.irm === 1) return v !== sender;
  const a = t.affinity[v]!;
  const aff3 = a >>> 24;
  const aff2 = (a >>> 16) & 0xff;
  const aff1 = (a >>> 8) & 0xff;
  const aff0 = a & 0xff;
  if (aff3 !== w.aff3 || aff2 !== w.aff2 || aff1 !== w.aff1) return false;
  // Without RSS the RS field is RES0 and treated as 0, as KVM and QEMU do.
  const rs = t.rss ? w.rs : 0;
  const n = aff0 - rs * 16;
  return n >= 0 && n < 16 && ((w.targetList >>> n) & 1) === 1;
}
