/**
 * The peer side of routing one write: each engine's peer rules applied to the targets its lookup
 * found (group, power state, UNDEF), GICv2 GICD_SGIR per peer (filter 3, Xen's power check),
 * limits as labelled projections, and the userspace-layout ambiguity report. Used by routeWrite,
 * so `vsgi route`, the explorer and replay name the same rules.
 */
import { type GicdSgirWrite, gicdSgirTargetMask } from "../arch/gicd-sgir.ts";
import { formatAffinity } from "../arch/mpidr.ts";
import { SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import type { Topology } from "../topology/topology.ts";
import type { EngineName } from "./engine.ts";
import { beyondLimitReason } from "./peer-support.ts";
import { peerOutcome, type PeerInputs } from "./peer-outcome.ts";
import { peerDrop, peerFilter3Mask, peerFilter3Rule, RULES, type RuleId } from "./peer-rules.ts";
import { peerOfEngine, projectionLabel } from "./peers.ts";
import type { PreparedEngine, RouteResult } from "./prepared.ts";

/** One engine's routing of a write: its lookup plus what its peer makes of it. */
export type PeerRouteResult = RouteResult & {
  readonly peer?: string;
  readonly pending?: number[];
  readonly dropped?: { readonly vcpu: number; readonly rule: string }[];
  readonly rules?: string[];
  readonly projection?: { readonly label: string; readonly targets: number[]; readonly visits: number };
  readonly variants?: Record<string, { readonly visits: number }>;
};

/** Adds each engine's peer outcome, and turns runs past a peer's limit into labelled projections. */
export function withPeerRules(prepared: readonly PreparedEngine[], results: Map<EngineName, RouteResult>, w: SgiWrite, inputs: PeerInputs, topology: Topology): Map<EngineName, PeerRouteResult> {
  const out = new Map<EngineName, PeerRouteResult>();
  for (const { engine, support } of prepared) {
    const r = results.get(engine.name)!;
    const peer = peerOfEngine(engine.name);
    if ("unsupported" in r) {
      out.set(engine.name, { ...r, peer: peer.id });
      continue;
    }
    if (support.supported && support.projection !== undefined) {
      out.set(engine.name, { unsupported: beyondLimitReason(peer, topology.count), peer: peer.id, projection: { label: support.projection, targets: r.targets, visits: r.visits } });
      continue;
    }
    const o = peerOutcome(engine.name, r.targets, w, inputs);
    out.set(engine.name, { ...r, peer: o.peer, pending: o.pending, dropped: o.dropped, rules: o.rules });
  }
  return out;
}

/** GICD_SGIR on each engine's peer: the architecture's filters, each peer's filter 3 and Xen's power check. */
export function gicv2PeerResults(engines: readonly EngineName[], w: GicdSgirWrite, sender: number, inputs: PeerInputs, topology: Topology): Map<EngineName, PeerRouteResult> {
  const out = new Map<EngineName, PeerRouteResult>();
  for (const name of engines) {
    const peer = peerOfEngine(name);
    const label = projectionLabel(peer, topology.count, 2);
    if (label !== undefined) {
      out.set(name, { unsupported: `${label}: GICv2 has at most ${String(peer.maxVcpus.gicv2)} CPU interfaces`, peer: peer.id });
      continue;
    }
    let mask = gicdSgirTargetMask(w, sender, topology.count);
    const rules: string[] = [];
    if (mask < 0) {
      rules.push(RULES[peerFilter3Rule(peer)]);
      mask = peerFilter3Mask(peer, topology.count);
    }
    const pending: number[] = [];
    const dropped: { vcpu: number; rule: RuleId }[] = [];
    for (let v = 0; v < topology.count && mask > 0; v++) {
      if (((mask >>> v) & 1) === 0) continue;
      // GICv2 SGIs carry no group test in the peers read; only Xen's power check applies.
      const rule = peerDrop(peer, SgiRegister.SGI1R, 1, inputs.isOnline(v));
      if (rule === null) pending.push(v);
      else dropped.push({ vcpu: v, rule });
    }
    if (dropped.length > 0) rules.push(RULES["xen-offline"]);
    out.set(name, { unsupported: "GICD_SGIR is a GICv2 distributor write: no dispatch engine runs; the peer's own rules decide", peer: peer.id, pending, dropped, rules });
  }
  return out;
}

/** Userspace mode: which vCPUs share an affinity and whom each peer reaches; Aff0 > 15 vCPUs. */
export function ambiguityWarnings(topology: Topology): string[] {
  const out: string[] = [];
  for (const { affinity, vcpus } of topology.ambiguities()) {
    out.push(
      `vCPUs ${vcpus.join(", ")} share affinity ${formatAffinity(affinity)} (userspace mode): vsgi reaches vCPU ${String(vcpus[0])}, the lowest, ` +
        `as KVM ≤ 6.6 and KVM ≥ 6.7 without an index table do; KVM ≥ 6.7 with a table reaches ${String(vcpus[vcpus.length - 1])} (later vCPUs overwrite the slot); QEMU reaches all of them`,
    );
  }
  const unreachable = topology.unreachableByTargetList();
  if (unreachable.length > 0) out.push(`vCPUs ${unreachable.join(", ")} have Aff0 > 15 without RSS (userspace mode): no TargetList reaches them on any peer; IRM does`);
  return out;
}
