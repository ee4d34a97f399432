/** An engine's support verdict and limits as its peer sets them (peers.ts): projections past the peer's limit. */
import type { Topology } from "../topology/topology.ts";
import type { Support } from "./engine.ts";
import { type PeerModel, peerShortName, projectionLabel } from "./peers.ts";

/**
 * The supported verdict of a peer engine for `topology`, labelled as a projection when the VM is
 * larger than the peer can create.
 */
export function peerSupport(topology: Topology, peer: Pick<PeerModel, "id" | "maxVcpus">, note?: string): Support {
  const projection = projectionLabel(peer, topology.count);
  return { supported: true, ...(note !== undefined ? { note } : {}), ...(projection !== undefined ? { projection } : {}) };
}

/** Why a projected engine is not a run of its peer, for route, replay and VirtualGic. */
export function beyondLimitReason(peer: PeerModel, vcpus: number): string {
  return `${String(vcpus)} vCPUs are beyond ${peerShortName(peer)}'s limit of ${String(peer.maxVcpus.gicv3)} (${peer.limitSource}); figures at this size are projections`;
}
