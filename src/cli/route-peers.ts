/**
 * The peer side of `vsgi route`: per-vCPU group and power state from the command line, the peer
 * rules applied to each engine's targets, GICv2 GICD_SGIR per peer, limits as projections and the
 * userspace-layout ambiguity report.
 */
import { formatAffinity } from "../arch/mpidr.ts";
import type { GicdSgirWrite } from "../arch/gicd-sgir.ts";
import type { SgiWrite } from "../arch/sgi-register.ts";
import { beyondLimitReason } from "../engines/engine.ts";
import type { EngineName, PreparedEngine, RouteResult } from "../engines/index.ts";
import { DEFAULT_PEER_INPUTS, peerOutcome, type PeerInputs } from "../engines/peer-outcome.ts";
import { peerDrop, peerFilter3Mask, peerFilter3Rule, RULES, type RuleId } from "../engines/peer-rules.ts";
import { peerOfEngine, projectionLabel } from "../engines/peers.ts";
import { UsageError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import { gicdSgirTargetMask } from "../gic.ts";
import { SgiRegister } from "../arch/sgi-register.ts";

/** One engine's line of `vsgi route --json`: its lookup plus what its peer makes of it. */
export type RouteEngineOutput = RouteResult & {
  readonly peer?: string;
  readonly pending?: number[];
  readonly dropped?: { readonly vcpu: number; readonly rule: string }[];
  readonly rules?: string[];
  readonly projection?: { readonly label: string; readonly targets: number[]; readonly visits: number };
  readonly variants?: Record<string, { readonly visits: number }>;
};

/**
 * Per-vCPU configuration from `--group0 1:1,2:5` (vCPU:INTID set to Group 0) and `--offline 3,4`.
 * @throws UsageError on a malformed item or a vCPU / INTID out of range.
 */
export function peerInputsFromFlags(topology: Topology, group0: string | undefined, offline: string | undefined): PeerInputs {
  if (group0 === undefined && offline === undefined) return DEFAULT_PEER_INPUTS;
  const g0 = new Set<number>();
  for (const item of group0?.split(",") ?? []) {
    const m = /^\s*([0-9]+):([0-9]+)\s*$/.exec(item);
    if (m === null) throw new UsageError(`--group0: "${item}" is not vcpu:intid (e.g. 1:1)`, item);
    const [v, i] = [Number(m[1]), Number(m[2])];
    if (v >= topology.count) throw new UsageError(`--group0: unknown vCPU ${String(v)} (the VM has ${String(topology.count)})`, item);
    if (i > 15) throw new UsageError(`--group0: INTID ${String(i)} is not an SGI (0..15)`, item);
    g0.add(v * 16 + i);
  }
  const off = new Set<number>();
  for (const item of offline?.split(",") ?? []) {
    if (!/^\s*[0-9]+\s*$/.test(item)) throw new UsageError(`--offline: "${item}" is not a vCPU number`, item);
    const v = Number(item);
    if (v >= topology.count) throw new UsageError(`--offline: unknown vCPU ${String(v)} (the VM has ${String(topology.count)})`, item);
    off.add(v);
  }
  return { groupOf: (v, i) => (g0.has(v * 16 + i) ? 0 : 1), isOnline: (v) => !off.has(v) };
}

/** Adds each engine's peer outcome, and turns runs past a peer's limit into labelled projections. */
export function withPeerRules(prepared: readonly PreparedEngine[], results: Map<EngineName, RouteResult>, w: SgiWrite, inputs: PeerInputs, topology: Topology): Record<string, RouteEngineOutput> {
  const out: Record<string, RouteEngineOutput> = {};
  for (const { engine, support } of prepared) {
    const r = results.get(engine.name)!;
    const peer = peerOfEngine(engine.name);
    if ("unsupported" in r) {
      out[engine.name] = { ...r, peer: peer.id };
      continue;
    }
    if (support.supported && support.projection !== undefined) {
      out[engine.name] = { unsupported: beyondLimitReason(peer, topology.count), peer: peer.id, projection: { label: support.projection, targets: r.targets, visits: r.visits } };
      continue;
    }
    const o = peerOutcome(engine.name, r.targets, w, inputs);
    out[engine.name] = { ...r, peer: o.peer, pending: o.pending, dropped: o.dropped, rules: o.rules };
  }
  return out;
}

/** GICD_SGIR on each engine's peer: the architecture's filters, each peer's filter 3 and Xen's power check. */
export function gicv2PeerResults(engines: readonly EngineName[], w: GicdSgirWrite, sender: number, inputs: PeerInputs, topology: Topology): Record<string, RouteEngineOutput> {
  const out: Record<string, RouteEngineOutput> = {};
  for (const name of engines) {
    const peer = peerOfEngine(name);
    const label = projectionLabel(peer, topology.count, 2);
    if (label !== undefined) {
      out[name] = { unsupported: `${label}: GICv2 has at most ${String(peer.maxVcpus.gicv2)} CPU interfaces`, peer: peer.id };
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
    out[name] = { unsupported: "GICD_SGIR is a GICv2 distributor write: no dispatch engine runs; the peer's own rules decide", peer: peer.id, pending, dropped, rules };
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
