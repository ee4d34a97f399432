/**
 * One write's outcome on one peer, after its lookup: which targets the peer makes pending, which
 * it drops and by which rule, whether the write traps instead (Xen's UNDEF), and whether the VM is
 * past the peer's limit. `vsgi route`, replay and the explorer show this per engine, so the report
 * says "QEMU drops SGI1R at a Group 0 target", not only targets and visits.
 */
import { SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";
import { type EngineName } from "./engine.ts";
import { peerDrop, peerGroupsWritable, peerTrap, RULES, type RuleId } from "./peer-rules.ts";
import { type PeerId, peerOfEngine } from "./peers.ts";

/** The per-vCPU SGI configuration a peer's rules read. */
export interface PeerInputs {
  /** The group vCPU `vcpu` configured for `intid` (vsgi's default: 1). */
  groupOf(vcpu: number, intid: number): 0 | 1;
  /** Whether `vcpu` is powered on (PSCI CPU_ON). */
  isOnline(vcpu: number): boolean;
}

/** Every vCPU online, every SGI Group 1 — a VM as Linux runs it. */
export const DEFAULT_PEER_INPUTS: PeerInputs = { groupOf: () => 1, isOnline: () => true };

/** What a peer does with one write. */
export interface PeerOutcome {
  readonly peer: PeerId;
  /** Targets made pending (ascending). */
  readonly pending: number[];
  /** Targets the lookup found that the peer's rules dropped. */
  readonly dropped: { readonly vcpu: number; readonly rule: RuleId }[];
  /** Every rule that changed the outcome, as the sentence reports show (deduplicated). */
  readonly rules: string[];
}

/**
 * Applies `engine`'s peer rules to the targets its lookup found for write `w`.
 * @example peerOutcome("qemu-scan", [1], w, inputs).rules // ["QEMU drops SGI1R at a Group 0 target …"]
 */
export function peerOutcome(engine: EngineName, targets: readonly number[], w: SgiWrite, inputs: PeerInputs, kvmVersion: "6.7" | "6.10" = "6.10"): PeerOutcome {
  const peer = peerOfEngine(engine, kvmVersion);
  const trap = peerTrap(peer, w.register);
  if (trap !== null) return { peer: peer.id, pending: [], dropped: targets.map((vcpu) => ({ vcpu, rule: trap })), rules: [RULES[trap]] };
  const pending: number[] = [];
  const dropped: { vcpu: number; rule: RuleId }[] = [];
  const used = new Set<RuleId>();
  for (const v of targets) {
    const configured = inputs.groupOf(v, w.intid);
    if (!peerGroupsWritable(peer) && configured === 0) used.add("xen-group-raz-wi");
    if (peer.group === "sgi1r-any" && configured === 0 && w.register === SgiRegister.SGI1R) used.add(peer.id === "architecture" ? "arch-sgi1r-any-group" : "kvm-sgi1r-any-group");
    const rule = peerDrop(peer, w.register, peerGroupsWritable(peer) ? configured : 1, inputs.isOnline(v));
    if (rule === null) pending.push(v);
    else {
      dropped.push({ vcpu: v, rule });
      used.add(rule);
    }
  }
  return { peer: peer.id, pending, dropped, rules: [...used].map((r) => RULES[r]) };
}
