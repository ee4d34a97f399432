/**
 * Published costs of a virtual SGI on arm64 KVM, the parameters of the cost model (SPEC §7).
 * Every figure names its source; derived terms say how they were derived. The model only needs
 * ns per term; visits come from the engines themselves.
 */

/** A cited source. */
export interface Citation {
  readonly id: string;
  readonly text: string;
}

/** Every source the model's defaults come from. */
export const CITATIONS = {
  maz: {
    id: "maz-2023",
    text: "Marc Zyngier, \"[PATCH 0/5] KVM: arm64: Accelerate lookup of vcpus by MPIDR values\" (MPIDR index, merged in Linux 6.7) cover letter, lore 20230907100931.1186690-1-maz@kernel.org: kvm-unit-tests ipi to the last vCPU of a 64-vCPU VM, Ampere Altra 3832 → 2593 ns; HiSilicon D06 (reply by Shameer Kolothum) 5309 → 2413 ns",
  },
  rfc: {
    id: "rfc-2023",
    text: "Xu Zhao, \"[RFC v2] KVM: arm/arm64: optimize vSGI injection performance\", lore 20230825015811.5292-1-zhaoxu.35@bytedance.com: Kunpeng 920, host 6.5, time in vgic_v3_dispatch_sgi with 32 vCPUs: 1655 ns to vcpu1, 2426 ns to vcpu31",
  },
  kut: {
    id: "kvm-list-2023",
    text: "kvm-unit-tests arm/micro-bench.c on 2 vCPUs, kvm list Nov 2023 (reply ZUIwt6jWBN037XVf@monolith): Kunpeng 920 hvc 408 ns, ipi 1697 ns; Phytium S2500 hvc 1536 ns, ipi 4979 ns",
  },
  v41: {
    id: "huawei-2024",
    text: "GICv4.1 direct vSGI (Linux 5.7; Marc Zyngier's series \"irqchip/gic-v4.1: Add direct injection of vSGIs\"): the write still traps and is looked up the same way, delivery goes through the ITS (GITS_SGIR); kvm-unit-tests ipi_hw round trip ≈ 750 ns with a local ITS, ≈ 850 ns remote (Huawei, 2024)",
  },
  vsgi: {
    id: "vsgi-model",
    text: "vsgi's own assumption, stated in the output: decode and the pending-bit update are a few instructions each; kvm-unit-tests measures them only inside the ipi round trip",
  },
} as const satisfies Record<string, Citation>;

/** One cost term: ns and where the figure comes from. */
export interface CostTerm {
  readonly ns: number;
  /** Citation ids. */
  readonly sources: readonly string[];
  /** How the figure was obtained (published, derived as …, assumed). */
  readonly how: string;
}

/** The non-lookup terms of one machine, per write and per target. */
export interface MachineCosts {
  readonly name: string;
  readonly description: string;
  /** Guest write traps to the hypervisor and returns (sender side, once per write). */
  readonly trapExit: CostTerm;
  /** Decoding the register value (once per write). */
  readonly decode: CostTerm;
  /** Lookup cost of one visit (one vCPU record or table slot examined). */
  readonly perVisit: CostTerm;
  /** Marking the SGI pending in the target's state (per target). */
  readonly pendingUpdate: CostTerm;
  /** List-register delivery: queue, kick/IPI the target's physical CPU, target entry and its handling (per target). */
  readonly kickAndEntry: CostTerm;
  /** GICv4.1 delivery to a resident vPE: GITS_SGIR write and hardware injection (per target). */
  readonly directSgi: CostTerm;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Kunpeng 920: the one machine with an hvc, ipi, ipi_hw and per-vCPU-walk figure. */
function kunpeng920(): MachineCosts {
  const trap = 408;
  const ipi = 1697;
  const ipiHw = 750;
  // RFC: 30 more vCPUs walked (vcpu1 → vcpu31) cost 2426 − 1655 ns.
  const perVisit = round1((2426 - 1655) / 30);
  const decode = 5;
  const pending = 5;
  // kvm-unit-tests ipi on 2 vCPUs targets vCPU 1: a linear walk visits 2 records.
  const lookup2 = 2 * perVisit;
  return {
    name: "kunpeng-920",
    description: "HiSilicon Kunpeng 920 (the RFC's and the kvm list's host)",
    trapExit: { ns: trap, sources: [CITATIONS.kut.id], how: "published: kvm-unit-tests hvc round trip" },
    decode: { ns: decode, sources: [CITATIONS.vsgi.id], how: "assumed" },
    perVisit: { ns: perVisit, sources: [CITATIONS.rfc.id], how: "derived: (2426 − 1655) ns / 30 more vCPUs walked" },
    pendingUpdate: { ns: pending, sources: [CITATIONS.vsgi.id], how: "assumed" },
    kickAndEntry: {
      ns: round1(ipi - trap - lookup2 - decode - pending),
      sources: [CITATIONS.kut.id, CITATIONS.rfc.id],
      how: `derived: ipi ${String(ipi)} − hvc ${String(trap)} − 2 visits × ${String(perVisit)} − decode − pending`,
    },
    directSgi: {
      ns: round1(ipiHw - trap - lookup2 - decode - pending),
      sources: [CITATIONS.v41.id, CITATIONS.kut.id, CITATIONS.rfc.id],
      how: `derived: ipi_hw ${String(ipiHw)} (local ITS) − hvc ${String(trap)} − 2 visits × ${String(perVisit)} − decode − pending`,
    },
  };
}

/**
 * A machine with only the MPIDR-index figures (ipi to the last of 64 vCPUs before and after):
 * per visit = the difference over 63 visits; everything else = the after figure minus one
 * visit, split into trap and delivery with Kunpeng 920's hvc figure (an assumption, stated).
 */
function fromMazFigures(name: string, description: string, before: number, after: number): MachineCosts {
  const k = kunpeng920();
  const perVisit = round1((before - after) / 63);
  const rest = after - perVisit - k.decode.ns - k.pendingUpdate.ns;
  const trap = k.trapExit.ns;
  const ratio = k.directSgi.ns / k.kickAndEntry.ns;
  const kick = round1(rest - trap);
  return {
    name,
    description,
    trapExit: { ns: trap, sources: [CITATIONS.kut.id], how: "assumed: Kunpeng 920's hvc figure (none published for this machine)" },
    decode: k.decode,
    perVisit: { ns: perVisit, sources: [CITATIONS.maz.id], how: `derived: (${String(before)} − ${String(after)}) ns / 63 fewer vCPUs walked` },
    pendingUpdate: k.pendingUpdate,
    kickAndEntry: { ns: kick, sources: [CITATIONS.maz.id, CITATIONS.kut.id], how: `derived: ${String(after)} − 1 visit − decode − pending − trap` },
    directSgi: { ns: round1(kick * ratio), sources: [CITATIONS.v41.id], how: "assumed: Kunpeng 920's ipi_hw / ipi delivery ratio" },
  };
}

/** Machine presets by name; `kunpeng-920` is the default. */
export const MACHINES: Readonly<Record<string, MachineCosts>> = {
  "kunpeng-920": kunpeng920(),
  "ampere-altra": fromMazFigures("ampere-altra", "Ampere Altra (Marc Zyngier's figures)", 3832, 2593),
  "hisilicon-d06": fromMazFigures("hisilicon-d06", "HiSilicon D06 (Shameer Kolothum's figures)", 5309, 2413),
};

/** Names of the machine presets. */
export const MACHINE_NAMES = Object.keys(MACHINES);
