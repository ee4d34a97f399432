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

/** Whether a peer needs a PeerSink (it decides something the state does not). */
export function peerNeedsSink(peer: PeerRules): boolean {
  return peer.offline === "skipped" || peer.group === "exact";
}

export class PeerSink implements DeliverySink {
  /** Targets skipped because the vCPU was offline (Xen). */
  offlineDrops = 0;
  /** SGI1R deliveries dropped at a Group 0 target (QEMU). */
  groupDrops = 0;
  readonly #target: GroupedSink;
  readonly #online: Uint8Array;
  readonly #skipOffline: boolean;
  readonly #exactGroups: boolean;

  /** @param online 1 per vCPU that is powered on; read at each delivery (the caller updates it). */
  constructor(target: GroupedSink, peer: PeerRules, online: Uint8Array) {
    this.#target = target;
    this.#online = online;
    this.#skipOffline = peer.offline === "skipped";
    this.#exactGroups = peer.group === "exact";
  }

  deliver(vcpu: number, w: SgiWrite): void {
    if (this.#skipOffline && this.#online[vcpu] === 0) {
      this.offlineDrops++;
      return;
    }
    if (this.#exactGroups && w.register === SgiRegister.SGI1R && this.#target.groupOf(vcpu, w.intid) === 0) {
      this.groupDrops++;
      return;
    }
    this.#target.deliver(vcpu, w);
  }

  deliverAllBut(sender: number, w: SgiWrite): void {
    const n = this.#online.length;
    for (let v = 0; v < n; v++) if (v !== sender) this.deliver(v, w);
  }
}

/** The guest exception a peer raises instead of generating SGIs. */
export type GuestException = "undefined-instruction" | "data-abort";

/**
 * Everything VirtualGic asks its peer beyond the lookup, in one place: the vCPUs' power state,
 * the sink the engine delivers into, the trap on SGI0R/ASGI1R and GICD_SGIR's reserved filter.
 */
export class PeerFront {
  readonly peer: PeerRules;
  /** 1 per vCPU that is powered on (PSCI CPU_ON); every vCPU starts on. */
  readonly online: Uint8Array;
  /** Where the engine delivers: the state itself, or a PeerSink in front of it. */
  readonly sink: DeliverySink;
  readonly #peerSink: PeerSink | null;
  /** Offline targets of GICD_SGIR writes skipped (Xen). */
  #gicv2OfflineDrops = 0;

  constructor(peer: PeerRules, state: GroupedSink, count: number) {
    this.peer = peer;
    this.online = new Uint8Array(count).fill(1);
    this.#peerSink = peerNeedsSink(peer) ? new PeerSink(state, peer, this.online) : null;
    this.sink = this.#peerSink ?? state;
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
    if (this.peer.offline === "skipped") {
      for (let v = 0; v < count; v++) {
        if (((targets >>> v) & 1) === 1 && this.online[v] === 0) {
          targets &= ~(1 << v);
          this.#gicv2OfflineDrops++;
        }
      }
    }
    return targets;
  }

  /** The SGI configuration the guest's write leaves: Xen's group registers are RAZ/WI. */
  configFor<C extends { readonly group?: 0 | 1 }>(config: C): C {
    if (config.group === undefined || this.peer.group !== "sgi1r-only") return config;
    const { group: _ignored, ...rest } = config;
    return rest as C;
  }

  /** The GICv2 source CPU a GICD_SGIR write by `sender` records (Xen's default vGIC: always 0). */
  gicv2Source(sender: number): number {
    return this.peer.gicv2Source === "zero" ? 0 : sender;
  }

  /** Targets skipped because they were offline, over GICv3 and GICv2 writes. */
  get offlineDrops(): number {
    return (this.#peerSink?.offlineDrops ?? 0) + this.#gicv2OfflineDrops;
  }

  /** SGI1R deliveries dropped at a Group 0 target (QEMU). */
  get groupDrops(): number {
    return this.#peerSink?.groupDrops ?? 0;
  }
}
