/**
 * A delivery sink that applies the rules a peer decides after its lookup and that the SGI state
 * does not: Xen skips offline vCPUs (vgic.c vgic_to_sgi, is_vcpu_online), and QEMU drops an SGI1R
 * at a target that configured the INTID as Group 0 (arm_gicv3_redist.c gicv3_redist_send_sgi).
 * Everything else — including KVM's and the architecture's "SGI0R/ASGI1R only to Group 0", which
 * the state applies itself — goes straight through. VirtualGic puts it between the engine and the
 * state only for those peers, so the KVM and vsgi hot paths are unchanged.
 */
import { SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { PeerRules } from "./peers.ts";

/** The state a peer sink forwards to: a sink that also knows each SGI's configured group. */
export interface GroupedSink extends DeliverySink {
  groupOf(vcpu: number, intid: number): 0 | 1;
}

/** Whether a peer needs a PeerFront in front of the state (it decides something the state does not). */
function peerNeedsSink(peer: PeerRules): boolean {
  return peer.offline === "skipped" || peer.group === "exact";
}

/** The guest exception a peer raises instead of generating SGIs. */
export type GuestException = "undefined-instruction" | "data-abort";

/**
 * Everything VirtualGic asks its peer beyond the lookup, in one place: the vCPUs' power state,
 * the sink the engine delivers into (this object, in front of the state, for the peers that need
 * it), the trap on SGI0R/ASGI1R and GICD_SGIR's reserved filter.
 */
export class PeerFront implements DeliverySink {
  readonly peer: PeerRules;
  /** 1 per vCPU that is powered on (PSCI CPU_ON); every vCPU starts on. */
  readonly online: Uint8Array;
  /** Where the engine delivers: the state itself, or this object in front of it. */
  readonly sink: DeliverySink;
  /** Targets skipped because they were offline, over GICv3 and GICv2 writes (Xen). */
  offlineDrops = 0;
  /** SGI1R deliveries dropped at a Group 0 target (QEMU). */
  groupDrops = 0;
  readonly #state: GroupedSink;

  constructor(peer: PeerRules, state: GroupedSink, count: number) {
    this.peer = peer;
    this.#state = state;
    this.online = new Uint8Array(count).fill(1);
    this.sink = peerNeedsSink(peer) ? this : state;
  }

  deliver(vcpu: number, w: SgiWrite): void {
    if (this.peer.offline === "skipped" && this.online[vcpu] === 0) {
      this.offlineDrops++;
      return;
    }
    if (this.peer.group === "exact" && w.register === SgiRegister.SGI1R && this.#state.groupOf(vcpu, w.intid) === 0) {
      this.groupDrops++;
      return;
    }
    this.#state.deliver(vcpu, w);
  }

  deliverAllBut(sender: number, w: SgiWrite): void {
    for (let v = 0; v < this.online.length; v++) if (v !== sender) this.deliver(v, w);
  }

  /** The exception a GICv3 write through `register` raises instead of SGIs (Xen: SGI0R/ASGI1R UNDEF). */
  trap(register: SgiRegister): GuestException | null {
    return this.peer.group === "sgi1r-only" && register !== SgiRegister.SGI1R ? "undefined-instruction" : null;
  }

  /**
   * The GICD_SGIR target mask the peer acts on: the architecture's `mask`, or for the reserved
   * filter (`mask` < 0) the peer's choice; offline CPUs removed where the peer checks.
   * @returns the mask, or a guest exception (Xen's data abort).
   */
  gicv2Targets(mask: number, count: number): number | GuestException {
    let targets = mask;
    if (targets < 0) {
      if (this.peer.filter3 === "data-abort") return "data-abort";
      targets = this.peer.filter3 === "every-cpu" ? (1 << count) - 1 : 0;
    }
    for (let v = 0; v < count; v++) {
      if (this.peer.offline === "skipped" && ((targets >>> v) & 1) === 1 && this.online[v] === 0) {
        targets &= ~(1 << v);
        this.offlineDrops++;
      }
    }
    return targets;
  }

  /** The SGI configuration the guest's write leaves: Xen's group registers are RAZ/WI. */
  configFor<C extends { readonly group?: 0 | 1 }>(config: C): C {
    if (this.peer.group !== "sgi1r-only") return config;
    const { group: _ignored, ...rest } = config;
    return rest as C;
  }

  /** The GICv2 source CPU a GICD_SGIR write by `sender` records (Xen's default vGIC: always 0). */
  gicv2Source(sender: number): number {
    return this.peer.gicv2Source === "zero" ? 0 : sender;
  }
}
