/**
 * The peers vsgi models, one per hypervisor version read, with the sources each fact comes from.
 * Every statement here names the file, function and version read; nothing is copied. Sizes past a
 * peer's limit are projections, never runs of that peer (see `peerLimit`).
 *
 * Sources read for this table (December 2026):
 * - Linux: arch/arm64/kvm/vgic/vgic-mmio-v3.c and sys_regs.c as of 5.9/5.10 (walk, group rule),
 *   the 6.7 series 20230927090911.3355209-{4,8,9,10,11} (commits 1c46c75c3e37/…, 5544750efd51,
 *   54a8006d0b49, b5daffb120bb), commit ce5d2448eb8f (6.10; backported to 6.9-stable as
 *   "6.9 214/374"), vgic-mmio-v2.c vgic_mmio_write_sgir, include/kvm/arm_vgic.h VGIC_V3_MAX_CPUS.
 * - The RFC v2, lore 20230825015811.5292-1-zhaoxu.35@bytedance.com.
 * - QEMU hw/intc/arm_gicv3_cpuif.c at 019fbfa4bcd2 (9.x: FEAT_NMI present) and a 2.x-era copy
 *   with the same icc_generate_sgi; arm_gicv3_redist.c gicv3_redist_send_sgi; arm_gic.c
 *   gic_dist_writel; hw/arm/virt.c virt_machine_class_init.
 * - Xen RELEASE-4.22.0 (d45d5687f144), same SGI code checked in 4.14.5, 4.17.0, 4.19.0.
 */
import type { EngineName } from "./engine.ts";

/** A peer model: a hypervisor version vsgi reproduces (or the architecture itself). */
export const PEER_IDS = ["architecture", "kvm-6.6", "rfc-v2", "kvm-6.7", "kvm-6.10+", "qemu-7.2+", "xen-4.x"] as const;
/** The id of a peer model (a hypervisor version read, or the architecture). */
export type PeerId = (typeof PEER_IDS)[number];

/** How a peer treats the target's configured group for INTID n. */
export type GroupRule =
  /** SGI1R reaches either group; SGI0R and ASGI1R only Group 0 (KVM, and vsgi's reading of IHI 0069 with DS = 1). */
  | "sgi1r-any"
  /** SGI1R only Group 1 targets; SGI0R and ASGI1R (treated as Group 0 with DS = 1) only Group 0 targets. */
  | "exact"
  /** Only ICC_SGI1R_EL1 is emulated (SGI0R/ASGI1R UNDEF); group registers RAZ/WI, the group never matters. */
  | "sgi1r-only";

/** GICD_SGIR TargetListFilter = 0b11 (reserved): nothing sent, every CPU (the writer included), or a data abort. */
export type Filter3Rule = "nothing" | "every-cpu" | "data-abort";

/** Which of several vCPUs sharing one affinity a targeted SGI reaches. */
export type DuplicateRule = "lowest" | "highest" | "all" | "table-highest-else-lowest" | "unsupported";

/** One cited fact: file, function, version. */
export interface Citation {
  readonly file: string;
  readonly fn: string;
  readonly version: string;
}

/** Everything a peer decides beyond the lookup, with where each fact was read. */
export interface PeerModel {
  readonly id: PeerId;
  /** The engine that reproduces this peer's lookup (kvm-6.7 is kvm-mpidr-index with `version: "6.7"`). */
  readonly engine: EngineName;
  readonly title: string;
  /** Largest VM the peer can create, GICv3 and GICv2. */
  readonly maxVcpus: { readonly gicv3: number; readonly gicv2: number };
  /** Where the limit is defined. */
  readonly limitSource: string;
  readonly group: GroupRule;
  readonly filter3: Filter3Rule;
  /** Whether a target that is powered off (PSCI CPU_OFF / never CPU_ON'd) is still made pending. */
  readonly offline: "pending" | "skipped";
  readonly duplicates: DuplicateRule;
  /**
   * GICv2 SGI source: "writer" keeps one pending state per source CPU and reports it in GICC_IAR
   * bits 12:10; "zero" (Xen's default vGIC) keeps one pending state and reports source 0.
   */
  readonly gicv2Source: "writer" | "zero";
  /** The matrix cells, one sentence each, with their citation. */
  readonly cells: Readonly<Record<MatrixRow, { readonly text: string; readonly cite: string }>>;
  /** What was read. */
  readonly sources: readonly Citation[];
}

/** Rows of the "Where the peers differ" matrix. */
export const MATRIX_ROWS = ["group handling", "filter 3", "offline targets", "RS", "duplicate MPIDRs", "Aff0 > 15", "limits"] as const;
/** One row of the "Where the peers differ" matrix. */
export type MatrixRow = (typeof MATRIX_ROWS)[number];

const LINUX_66 = "Linux 6.6 (unchanged since 5.x)";
const KVM_LIMIT = "include/kvm/arm_vgic.h VGIC_V3_MAX_CPUS = 512, VGIC_V2_MAX_CPUS = 8; arch/arm64/include/asm/kvm_host.h KVM_MAX_VCPUS = VGIC_V3_MAX_CPUS";
const KVM_GROUP = { text: "SGI1R reaches a target whatever its group; SGI0R and ASGI1R only Group 0 targets", cite: "sys_regs.c access_gic_sgi (g1 = SGI1R only) → vgic-mmio-v3.c vgic_v3_queue_sgi (!irq->group || allow_group1)" };
const KVM_F3 = { text: "nothing is sent, no fault", cite: "vgic-mmio-v2.c vgic_mmio_write_sgir (mode 3 returns)" };
const KVM_OFF = { text: "marked pending whatever the power state", cite: "vgic-mmio-v3.c vgic_v3_queue_sgi (no power-state check)" };
const KVM_RS = { text: "ignored (treated as 0); RSS never advertised", cite: "vgic-mmio-v3.c vgic_v3_dispatch_sgi (RS not decoded)" };
const KVM_AFF0 = { text: "accepted from userspace, never reached by a targeted SGI (16-bit TargetList); IRM reaches it", cite: "vgic-mmio-v3.c match_mpidr / for_each_set_bit over 16 bits" };

// Limits as identifiers (not property reads) so a bundler can drop PEERS when only PEER_LIMITS is used.
const ARCH_MAX = { gicv3: 4096, gicv2: 8 } as const;
const KVM_MAX = { gicv3: 512, gicv2: 8 } as const;
const QEMU_MAX = { gicv3: 512, gicv2: 8 } as const;
const XEN_MAX = { gicv3: 128, gicv2: 8 } as const;

/** What a peer decides at run time (limits and rules), without the citations. */
export type PeerRules = Pick<PeerModel, "id" | "maxVcpus" | "group" | "filter3" | "offline" | "gicv2Source">;

/**
 * Each peer's VM size limits and rules (the cells of PEERS cite where they were read). Engines and
 * VirtualGic read these instead of PEERS so the core bundle does not carry the citation matrix.
 */
export const PEER_LIMITS: Readonly<Record<PeerId, PeerRules>> = {
  "architecture": { id: "architecture", maxVcpus: ARCH_MAX, group: "sgi1r-any", filter3: "nothing", offline: "pending", gicv2Source: "writer" },
  "kvm-6.6": { id: "kvm-6.6", maxVcpus: KVM_MAX, group: "sgi1r-any", filter3: "nothing", offline: "pending", gicv2Source: "writer" },
  "rfc-v2": { id: "rfc-v2", maxVcpus: KVM_MAX, group: "sgi1r-any", filter3: "nothing", offline: "pending", gicv2Source: "writer" },
  "kvm-6.7": { id: "kvm-6.7", maxVcpus: KVM_MAX, group: "sgi1r-any", filter3: "nothing", offline: "pending", gicv2Source: "writer" },
  "kvm-6.10+": { id: "kvm-6.10+", maxVcpus: KVM_MAX, group: "sgi1r-any", filter3: "nothing", offline: "pending", gicv2Source: "writer" },
  "qemu-7.2+": { id: "qemu-7.2+", maxVcpus: QEMU_MAX, group: "exact", filter3: "every-cpu", offline: "pending", gicv2Source: "writer" },
  "xen-4.x": { id: "xen-4.x", maxVcpus: XEN_MAX, group: "sgi1r-only", filter3: "data-abort", offline: "skipped", gicv2Source: "zero" },
};

/** The peers, keyed by id. */
// Built by a call marked pure: its citation strings are template literals, which a bundler cannot
// prove side-effect free, and the core bundle must be able to drop this table (engines use PEER_LIMITS).
export const PEERS: Readonly<Record<PeerId, PeerModel>> = /* @__PURE__ */ (() => ({
  architecture: {
    ...PEER_LIMITS["architecture"],
    duplicates: "lowest",
    engine: "vsgi",
    title: "GIC architecture (IHI 0069 GICv3/v4, IHI 0048B GICv2) — vsgi and the reference follow it",
    limitSource: "vsgi models up to 4096 vCPUs (src/topology/topology.ts MAX_VCPUS); GICv2: 8 CPU interfaces (IHI 0048B)",
    cells: {
      "group handling": { text: "SGI1R can reach Group 0 targets under DS = 1; SGI0R/ASGI1R Group 0 only (vsgi's reading)", cite: "IHI 0069 §12.2 ICC_SGI1R_EL1 ('under certain conditions … Group 0'), 'Forwarding an SGI to a target PE'; SPEC §1" },
      "filter 3": { text: "reserved; vsgi generates no SGI (strict mode rejects the write)", cite: "IHI 0048B §4.3.15 GICD_SGIR TargetListFilter 0b11" },
      "offline targets": { text: "the redistributor keeps pending state whatever the PE's power state", cite: "IHI 0069 §12.11 GICR_WAKER (vsgi's reading)" },
      RS: { text: "TargetList bit n = Aff0 RS*16+n only with RSS; RES0 otherwise", cite: "IHI 0069 §12.2 ICC_SGI1R_EL1.RS" },
      "duplicate MPIDRs": { text: "not allowed (affinity is unique); in userspace mode vsgi reaches the lowest vCPU and reports the ambiguity", cite: "Arm ARM MPIDR_EL1; vsgi topology ambiguity report" },
      "Aff0 > 15": { text: "addressable only with RSS", cite: "IHI 0069 §12.2 RS / ICC_CTLR_EL1.RSS" },
      limits: { text: "no VM limit; GICv2: 8 CPU interfaces", cite: "IHI 0048B §1.4 (8 CPU interfaces)" },
    },
    sources: [{ file: "IHI 0069 / IHI 0048B", fn: "ICC_SGI1R_EL1, GICD_SGIR", version: "GICv3/v4 spec, GICv2 spec" }],
  },
  "kvm-6.6": {
    ...PEER_LIMITS["kvm-6.6"],
    duplicates: "lowest",
    engine: "kvm-linear",
    title: "Linux KVM ≤ 6.6: linear walk in vgic_v3_dispatch_sgi",
    limitSource: KVM_LIMIT,
    cells: {
      "group handling": KVM_GROUP,
      "filter 3": KVM_F3,
      "offline targets": KVM_OFF,
      RS: KVM_RS,
      "duplicate MPIDRs": { text: "the lowest vCPU index (its TargetList bit is cleared on the first match)", cite: "vgic-mmio-v3.c vgic_v3_dispatch_sgi walk, 6.6" },
      "Aff0 > 15": KVM_AFF0,
      limits: { text: "512 vCPUs (GICv3), 8 (GICv2)", cite: KVM_LIMIT },
    },
    sources: [
      { file: "arch/arm64/kvm/vgic/vgic-mmio-v3.c", fn: "vgic_v3_dispatch_sgi, match_mpidr", version: LINUX_66 },
      { file: "arch/arm64/kvm/sys_regs.c", fn: "access_gic_sgi", version: "Linux 5.10 (unchanged)" },
      { file: "arch/arm64/kvm/vgic/vgic-mmio-v2.c", fn: "vgic_mmio_write_sgir", version: "Linux 5.10 (unchanged)" },
      { file: "include/kvm/arm_vgic.h", fn: "VGIC_V3_MAX_CPUS", version: "Linux 5.x–6.x (255 in older kernels)" },
    ],
  },
  "rfc-v2": {
    ...PEER_LIMITS["rfc-v2"],
    duplicates: "unsupported",
    engine: "rfc-affskip",
    title: "[RFC v2] KVM: arm/arm64: optimize vSGI injection performance (2023, not merged)",
    limitSource: KVM_LIMIT,
    cells: {
      "group handling": { text: "KVM's: vgic_v3_inject_sgi keeps the allow_group1 test", cite: "RFC v2 vgic-mmio-v3.c vgic_v3_inject_sgi" },
      "filter 3": { text: "unchanged from KVM: nothing sent", cite: "RFC v2 touches only vgic-mmio-v3.c" },
      "offline targets": KVM_OFF,
      RS: { text: "ignored; the id arithmetic assumes Aff0 < 16", cite: "RFC v2 sgi_to_affinity" },
      "duplicate MPIDRs": { text: "not expressible: the vCPU is taken by id, not by MPIDR (mis-delivers on userspace layouts)", cite: "RFC v2 vgic_v3_dispatch_sgi → kvm_get_vcpu_by_id" },
      "Aff0 > 15": { text: "not expressible (id = cluster*16 + bit)", cite: "RFC v2 sgi_to_affinity" },
      limits: { text: "KVM's 512 vCPUs", cite: KVM_LIMIT },
    },
    sources: [{ file: "arch/arm64/kvm/vgic/vgic-mmio-v3.c", fn: "vgic_v3_dispatch_sgi, sgi_to_affinity, kvm_for_each_target_list", version: "RFC v2, lore 20230825015811.5292-1-zhaoxu.35@bytedance.com" }],
  },
  "kvm-6.7": {
    ...PEER_LIMITS["kvm-6.7"],
    duplicates: "table-highest-else-lowest",
    engine: "kvm-mpidr-index",
    title: "Linux KVM 6.7–6.9: compressed-MPIDR index, NULL after one slot on a table miss",
    limitSource: KVM_LIMIT,
    cells: {
      "group handling": KVM_GROUP,
      "filter 3": KVM_F3,
      "offline targets": KVM_OFF,
      RS: KVM_RS,
      "duplicate MPIDRs": { text: "with a table the highest index (later vCPUs overwrite the slot); without one the lowest (walk)", cite: "arm.c kvm_init_mpidr_data / kvm_mpidr_to_vcpu, commits 5544750efd51, 54a8006d0b49" },
      "Aff0 > 15": { text: "never reached by a targeted SGI; its varying Aff0 bits still widen the index mask", cite: "vgic-mmio-v3.c vgic_v3_dispatch_sgi (b5daffb120bb), arm.c kvm_init_mpidr_data" },
      limits: { text: "512 vCPUs; table only if 8 + 2·2^bits ≤ PAGE_SIZE (4/16/64 KiB: ≤ 10/12/14 bits); none for 1 vCPU", cite: `${KVM_LIMIT}; arm.c kvm_init_mpidr_data (struct_size ≤ PAGE_SIZE, online_vcpus == 1)` },
    },
    sources: [
      { file: "arch/arm64/kvm/arm.c", fn: "kvm_init_mpidr_data, kvm_mpidr_to_vcpu", version: "Linux 6.7 (5544750efd51, 54a8006d0b49)" },
      { file: "arch/arm64/include/asm/kvm_host.h", fn: "kvm_mpidr_index", version: "Linux 6.7 (5544750efd51)" },
      { file: "arch/arm64/kvm/vgic/vgic-mmio-v3.c", fn: "vgic_v3_dispatch_sgi", version: "Linux 6.7 (b5daffb120bb)" },
    ],
  },
  "kvm-6.10+": {
    ...PEER_LIMITS["kvm-6.10+"],
    duplicates: "table-highest-else-lowest",
    engine: "kvm-mpidr-index",
    title: "Linux KVM ≥ 6.10: compressed-MPIDR index, full walk on a table miss",
    limitSource: KVM_LIMIT,
    cells: {
      "group handling": KVM_GROUP,
      "filter 3": KVM_F3,
      "offline targets": KVM_OFF,
      RS: KVM_RS,
      "duplicate MPIDRs": { text: "as 6.7: highest with a table, lowest without", cite: "arm.c kvm_mpidr_to_vcpu, ce5d2448eb8f" },
      "Aff0 > 15": { text: "as 6.7", cite: "vgic-mmio-v3.c vgic_v3_dispatch_sgi" },
      limits: { text: "as 6.7; a table miss now walks all vCPUs (a missing target costs n visits)", cite: "arm.c kvm_mpidr_to_vcpu, commit ce5d2448eb8f (6.10; 6.9-stable backport)" },
    },
    sources: [{ file: "arch/arm64/kvm/arm.c", fn: "kvm_mpidr_to_vcpu, kvm_destroy_mpidr_data", version: "Linux 6.10 (ce5d2448eb8f; backported to 6.9-stable)" }],
  },
  "qemu-7.2+": {
    ...PEER_LIMITS["qemu-7.2+"],
    duplicates: "all",
    engine: "qemu-scan",
    title: "QEMU TCG GICv3 (icc_generate_sgi) and GICv2 (arm_gic.c), read at 019fbfa4bcd2",
    limitSource: "hw/arm/virt.c virt_machine_class_init (max_cpus = 512), machvirt_init (GICv2: GIC_NCPU = 8)",
    cells: {
      "group handling": { text: "SGI1R dropped at a target that set the INTID to Group 0; SGI0R/ASGI1R only Group 0", cite: "arm_gicv3_cpuif.c icc_sgi1r_write/icc_asgi1r_write → arm_gicv3_redist.c gicv3_redist_send_sgi (grp != irqgrp)" },
      "filter 3": { text: "sent to every CPU, the writer included", cite: "arm_gic.c gic_dist_writel (default: mask = ALL_CPU_MASK)" },
      "offline targets": { text: "marked pending whatever the power state", cite: "arm_gicv3_cpuif.c icc_generate_sgi (no power-state check)" },
      RS: { text: "ignored; RSS not implemented", cite: "arm_gicv3_cpuif.c icc_generate_sgi (RS not decoded)" },
      "duplicate MPIDRs": { text: "every vCPU with the affinity (no early exit, no bit cleared)", cite: "arm_gicv3_cpuif.c icc_generate_sgi" },
      "Aff0 > 15": { text: "never reached by a targeted SGI (aff0 > 15 skipped)", cite: "arm_gicv3_cpuif.c icc_generate_sgi" },
      limits: { text: "virt: 512 vCPUs with GICv3 (123 without highmem redistributors), 8 with GICv2", cite: "hw/arm/virt.c virt_machine_class_init (max_cpus = 512), machvirt_init (GIC_NCPU)" },
    },
    sources: [
      { file: "hw/intc/arm_gicv3_cpuif.c", fn: "icc_generate_sgi, icc_sgi1r_write, icc_asgi1r_write", version: "QEMU 019fbfa4bcd2 (9.x); same in a 2.x-era copy" },
      { file: "hw/intc/arm_gicv3_redist.c", fn: "gicv3_redist_send_sgi", version: "QEMU (stored copy, ≥ 2.9)" },
      { file: "hw/intc/arm_gic.c", fn: "gic_dist_writel (GICD_SGIR)", version: "QEMU ≥ 3.x stored copy" },
      { file: "hw/arm/virt.c", fn: "virt_machine_class_init", version: "QEMU ≥ 7.x" },
    ],
  },
  "xen-4.x": {
    ...PEER_LIMITS["xen-4.x"],
    duplicates: "unsupported",
    engine: "xen",
    title: "Xen 4.14–4.22 vGIC (read at RELEASE-4.22.0)",
    limitSource: "xen/arch/arm/include/asm/config.h MAX_VIRT_CPUS = 128 (arm64); domain.c vgic_max_vcpus (GICv2: 8)",
    cells: {
      "group handling": { text: "only ICC_SGI1R_EL1 is emulated: SGI0R/ASGI1R are UNDEF (no SGI); IGROUPR is RAZ/WI, the group never matters", cite: "arm64/vsysreg.c do_sysreg → vgic-v3.c vgic_v3_emulate_sysreg; vgic-v3.c __vgic_v3_distr_common_mmio_read" },
      "filter 3": { text: "the write is rejected: the guest takes a data abort", cite: "vgic-v2.c vgic_v2_to_sgi (returns false) → IO_ABORT" },
      "offline targets": { text: "skipped (target list and all-but-self)", cite: "vgic.c vgic_to_sgi (is_vcpu_online)" },
      RS: { text: "ignored; only Aff1 and TargetList are read", cite: "vgic-v3.c vgic_v3_to_sgi" },
      "duplicate MPIDRs": { text: "not expressible: Xen fixes vCPU i's affinity", cite: "vgic-v3.c vgic_v3_to_sgi (id = Aff1 << 4 | bit)" },
      "Aff0 > 15": { text: "not expressible (Xen's affinity has Aff0 < 16)", cite: "vgic-v3.c vgic_v3_to_sgi" },
      limits: { text: "128 vCPUs per domain (arm64), 8 with GICv2", cite: "include/asm/config.h MAX_VIRT_CPUS = 128; domain.c arch_sanitise_domain_config (vgic_max_vcpus)" },
    },
    sources: [
      { file: "xen/arch/arm/vgic.c", fn: "vgic_to_sgi", version: "Xen RELEASE-4.22.0 (same in 4.14.5, 4.17.0, 4.19.0)" },
      { file: "xen/arch/arm/vgic-v3.c", fn: "vgic_v3_to_sgi, vgic_v3_emulate_sysreg", version: "Xen RELEASE-4.22.0" },
      { file: "xen/arch/arm/vgic-v2.c", fn: "vgic_v2_to_sgi", version: "Xen RELEASE-4.22.0" },
      { file: "xen/arch/arm/gic-v2.c", fn: "gicv2_update_lr (no CPUID field: GICv2 SGI source reads 0)", version: "Xen RELEASE-4.22.0, default (old) vGIC" },
      { file: "xen/arch/arm/arm64/vsysreg.c", fn: "do_sysreg (ICC_SGI0R/ASGI1R → UNDEF)", version: "Xen RELEASE-4.22.0" },
      { file: "xen/arch/arm/include/asm/config.h", fn: "MAX_VIRT_CPUS", version: "Xen RELEASE-4.22.0" },
    ],
  },
}))();

/** The peer an engine models by default (kvm-mpidr-index: the current 6.10+). */
export function peerOfEngine(engine: EngineName, kvmVersion: "6.7" | "6.10" = "6.10"): PeerModel {
  // reference, vsgi and any plugin engine (EngineName is an open string) follow the architecture.
  return PEERS[peerRulesOfEngine(engine, kvmVersion).id];
}

/** The rules of the peer an engine models (kvm-mpidr-index: 6.10+ unless `kvmVersion` says 6.7). */
export function peerRulesOfEngine(engine: EngineName, kvmVersion: "6.7" | "6.10" = "6.10"): PeerRules {
  switch (engine) {
    case "kvm-linear":
      return PEER_LIMITS["kvm-6.6"];
    case "rfc-affskip":
      return PEER_LIMITS["rfc-v2"];
    case "kvm-mpidr-index":
      return kvmVersion === "6.7" ? PEER_LIMITS["kvm-6.7"] : PEER_LIMITS["kvm-6.10+"];
    case "qemu-scan":
      return PEER_LIMITS["qemu-7.2+"];
    case "xen":
      return PEER_LIMITS["xen-4.x"];
    default:
      return PEER_LIMITS.architecture;
  }
}

/** A short name for the peer's vendor, as labels use it ("KVM", "QEMU virt", "Xen"). */
export function peerShortName(p: Pick<PeerModel, "id">): string {
  return p.id.startsWith("kvm") || p.id === "rfc-v2" ? "KVM" : p.id.startsWith("qemu") ? "QEMU virt" : p.id.startsWith("xen") ? "Xen" : "the architecture";
}

/**
 * The label every figure past a peer's limit carries, e.g. "beyond KVM's limit of 512 (projection)";
 * undefined when `vcpus` is within the limit.
 */
export function projectionLabel(p: Pick<PeerModel, "id" | "maxVcpus">, vcpus: number, gicVersion: 2 | 3 = 3): string | undefined {
  const limit = gicVersion === 2 ? p.maxVcpus.gicv2 : p.maxVcpus.gicv3;
  return vcpus > limit ? `beyond ${peerShortName(p)}'s limit of ${String(limit)} (projection)` : undefined;
}
