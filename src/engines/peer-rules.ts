/**
 * What a peer decides beyond the lookup, as pure functions: whether a register write traps to an
 * exception before any lookup, whether a target that the lookup found is made pending (its group,
 * its power state), and what GICD_SGIR's reserved TargetListFilter does. VirtualGic, `vsgi route`,
 * replay and the explorer all ask these, so every surface names the same rule.
 */
import { SgiRegister } from "../arch/sgi-register.ts";
import type { PeerRules } from "./peers.ts";

/** A rule that changed the outcome of a write, with the sentence reports show. */
export const RULES = {
  "kvm-sgi1r-any-group": "KVM delivers SGI1R at a Group 0 target too (vgic_v3_queue_sgi: allow_group1)",
  "arch-sgi1r-any-group": "architecture (vsgi, DS = 1): SGI1R may reach a Group 0 target",
  "kvm-group0-only": "KVM: SGI0R/ASGI1R reach only targets that configured the INTID as Group 0 (vgic_v3_queue_sgi)",
  "qemu-group-mismatch-g1": "QEMU drops SGI1R at a Group 0 target (gicv3_redist_send_sgi: grp != irqgrp)",
  "qemu-group-mismatch-g0": "QEMU drops SGI0R/ASGI1R at a Group 1 target (gicv3_redist_send_sgi: grp != irqgrp)",
  "arch-group0-only": "architecture (vsgi): SGI0R/ASGI1R reach only Group 0 targets",
  "xen-undef": "Xen: UNDEF — only ICC_SGI1R_EL1 is emulated, the guest takes an undefined-instruction exception and no SGI is sent",
  "xen-offline": "Xen skips an offline vCPU (vgic_to_sgi: is_vcpu_online)",
  "xen-group-raz-wi": "Xen ignores the configured group (IGROUPR is RAZ/WI)",
  "filter3-nothing": "TargetListFilter 3 is reserved: no SGI is generated",
  "filter3-all": "QEMU sends TargetListFilter 3 to every CPU, the writer included (gic_dist_writel)",
  "filter3-abort": "Xen rejects TargetListFilter 3: the guest takes a data abort (vgic_v2_to_sgi)",
} as const;
export type RuleId = keyof typeof RULES;

/** The exception a write raises in the guest instead of generating SGIs, or null. */
export function peerTrap(p: PeerRules, register: SgiRegister): RuleId | null {
  return p.group === "sgi1r-only" && register !== SgiRegister.SGI1R ? "xen-undef" : null;
}

/**
 * Whether the peer makes an SGI written through `register` pending on a target found by the
 * lookup, given the group that target configured for the INTID and its power state.
 * @returns null when the SGI is made pending, else the rule that drops it.
 */
export function peerDrop(p: PeerRules, register: SgiRegister, group: 0 | 1, online: boolean): RuleId | null {
  if (p.offline === "skipped" && !online) return "xen-offline";
  switch (p.group) {
    case "sgi1r-any":
      if (register !== SgiRegister.SGI1R && group === 1) return p.id === "architecture" ? "arch-group0-only" : "kvm-group0-only";
      return null;
    case "exact":
      if (register === SgiRegister.SGI1R) return group === 0 ? "qemu-group-mismatch-g1" : null;
      return group === 1 ? "qemu-group-mismatch-g0" : null;
    case "sgi1r-only":
      return null;
  }
}

/** Whether the peer lets the guest configure an SGI's group at all (Xen: RAZ/WI). */
export function peerGroupsWritable(p: PeerRules): boolean {
  return p.group !== "sgi1r-only";
}

/**
 * GICD_SGIR TargetListFilter 0b11 on this peer: the CPU mask reached (`count` CPUs), 0 for none,
 * or -1 when the guest takes a data abort.
 */
export function peerFilter3Mask(p: PeerRules, count: number): number {
  switch (p.filter3) {
    case "nothing":
      return 0;
    case "every-cpu":
      return (1 << count) - 1;
    case "data-abort":
      return -1;
  }
}

/** The rule id for a peer's filter-3 behaviour. */
export function peerFilter3Rule(p: PeerRules): RuleId {
  return p.filter3 === "nothing" ? "filter3-nothing" : p.filter3 === "every-cpu" ? "filter3-all" : "filter3-abort";
}
