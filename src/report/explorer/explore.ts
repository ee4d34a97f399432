/**
 * The route explorer's model: one register write routed on one topology, with everything the
 * page shows (decoded fields, the vCPU grid by cluster, each engine's targets and visits).
 * It runs in the browser, bundled by esbuild from the project's own codec, topology presets and
 * engines — the same code `vsgi route` runs — so it must not import anything that uses Node
 * (src/topology/index.ts reads files; this module imports presets.ts and topology.ts directly).
 */
import { decodeGicdSgir, TargetListFilter } from "../../arch/gicd-sgir.ts";
import { formatAffinity } from "../../arch/mpidr.ts";
import { decodeSgiRegister, SGI_REGISTER_ARCH_NAMES, SGI_REGISTER_NAMES, type SgiRegister, type SgiWrite } from "../../arch/sgi-register.ts";
import { formatHex, parseRegisterValue } from "../../arch/value.ts";
import { ENGINE_NAMES, type EngineName, prepareEngines, RecordingSink, routeOnEngines } from "../../engines/index.ts";
import { checkVcpu, TopologyError } from "../../errors.ts";
import { GICV2_MAX_CPUS, gicdSgirTargetMask } from "../../gic.ts";
import { presetTopology } from "../../topology/presets.ts";
import type { Topology } from "../../topology/topology.ts";

/** Register kinds the explorer offers, as the CLI spells them. */
export const EXPLORER_REGISTERS = [...SGI_REGISTER_NAMES, "gicd-sgir"] as const;
export type ExplorerRegister = (typeof EXPLORER_REGISTERS)[number];

/** What the user typed. */
export interface ExploreInput {
  /** Register value as hex text (`0x011F8001`). */
  readonly value: string;
  readonly register: ExplorerRegister;
  /** A topology preset, `kvm:512`, `qemu:64`, `sparse:512`. */
  readonly topology: string;
  readonly sender: number;
  /** Ignore RES0 bits as hardware does, instead of rejecting the value. */
  readonly lenient: boolean;
}

/** One decoded field for display: name, bit range, value. */
export interface DecodedField {
  readonly name: string;
  readonly bits: string;
  readonly value: number;
  readonly note: string;
}

/** One cluster row of the vCPU grid. */
export interface ClusterRow {
  /** `Aff3.Aff2.Aff1` in decimal. */
  readonly label: string;
  /** vCPU ids of the row by Aff0 slot (-1 where no vCPU has that Aff0). */
  readonly slots: readonly number[];
}

/** The outcome of one engine. */
export type EngineOutcome =
  | { readonly engine: EngineName; readonly visits: number; readonly targets: readonly number[]; readonly agrees: boolean }
  | { readonly engine: EngineName; readonly unsupported: string };

/** Everything the page shows for one write. */
export interface Exploration {
  /** Architectural register name (`ICC_SGI1R_EL1`). */
  readonly registerName: string;
  readonly hex: string;
  readonly fields: readonly DecodedField[];
  readonly topology: string;
  readonly vcpus: number;
  readonly sender: number;
  /** Target vCPUs per the reference model, ascending. */
  readonly targets: readonly number[];
  readonly clusters: readonly ClusterRow[];
  readonly engines: readonly EngineOutcome[];
  readonly warnings: readonly string[];
}

/** Largest topology the page draws (every vCPU is one cell). */
export const EXPLORER_MAX_VCPUS = 4096;

function sgiFields(w: SgiWrite): DecodedField[] {
  return [
    { name: "TargetList", bits: "15:0", value: w.targetList, note: `bits ${listBits(w.targetList).join(", ") || "none"}` },
    { name: "Aff1", bits: "23:16", value: w.aff1, note: "" },
    { name: "INTID", bits: "27:24", value: w.intid, note: `SGI ${String(w.intid)}` },
    { name: "Aff2", bits: "39:32", value: w.aff2, note: "" },
    { name: "IRM", bits: "40", value: w.irm, note: w.irm === 1 ? "all but self: target fields ignored" : "TargetList in cluster Aff3.Aff2.Aff1" },
    { name: "RS", bits: "47:44", value: w.rs, note: `Aff0 range ${String(w.rs * 16)}..${String(w.rs * 16 + 15)}` },
    { name: "Aff3", bits: "55:48", value: w.aff3, note: "" },
  ];
}

function listBits(mask: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if (((mask >>> i) & 1) === 1) out.push(i);
  return out;
}

/** Groups a topology's vCPUs into cluster rows (Aff3.Aff2.Aff1), ordered by cluster. */
export function clusterRows(topology: Topology): ClusterRow[] {
  const width = topology.maxAff0() + 1 > 16 ? topology.maxAff0() + 1 : 16;
  const rows = new Map<number, number[]>();
  for (let v = 0; v < topology.count; v++) {
    const a = topology.affinity[v] ?? 0;
    const key = a >>> 8;
    let row = rows.get(key);
    if (row === undefined) {
      row = new Array<number>(width).fill(-1);
      rows.set(key, row);
    }
    row[a & 0xff] = v;
  }
  return [...rows.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([key, slots]) => ({ label: formatAffinity(key << 8).replace(/\.0$/, ""), slots }));
}

/**
 * Routes one write for the explorer. Throws a `VsgiError` (with the message the page shows)
 * on a value that is not hex, does not fit, has RES0 bits set (unless lenient), an unknown
 * preset or a sender outside the topology.
 * @example explore({ value: "0x011F8001", register: "sgi1r", topology: "kvm:512", sender: 3, lenient: false }).targets // [496, 511]
 */
export function explore(input: ExploreInput): Exploration {
  const topology = presetTopology(input.topology.trim());
  if (topology.count > EXPLORER_MAX_VCPUS) throw new TopologyError(`the explorer draws at most ${String(EXPLORER_MAX_VCPUS)} vCPUs`, input.topology);
  checkVcpu(input.sender, topology.count, "sender");
  const strict = !input.lenient;
  const clusters = clusterRows(topology);
  const warnings: string[] = [];
  if (input.register === "gicd-sgir") {
    if (topology.count > GICV2_MAX_CPUS) {
      throw new TopologyError(`GICD_SGIR is a GICv2 register: at most ${String(GICV2_MAX_CPUS)} CPUs, ${topology.name} has ${String(topology.count)}`, topology.name);
    }
    const w = decodeGicdSgir(input.value, { strict });
    const v = Number(parseRegisterValue(input.value, 32, "GICD_SGIR"));
    const mask = gicdSgirTargetMask(w, input.sender, topology.count);
    if (w.targetListFilter === TargetListFilter.RESERVED) warnings.push("TargetListFilter 3 is reserved: no SGI is generated");
    const targets = mask > 0 ? listBits(mask).filter((c) => c < topology.count) : [];
    const filterNames = ["CPUTargetList", "all but self", "self only", "reserved"];
    return {
      registerName: "GICD_SGIR",
      hex: formatHex(v),
      fields: [
        { name: "SGIINTID", bits: "3:0", value: w.sgiIntid, note: `SGI ${String(w.sgiIntid)}` },
        { name: "NSATT", bits: "15", value: w.nsatt, note: "" },
        { name: "CPUTargetList", bits: "23:16", value: w.cpuTargetList, note: `CPUs ${listBits(w.cpuTargetList).join(", ") || "none"}` },
        { name: "TargetListFilter", bits: "25:24", value: w.targetListFilter, note: filterNames[w.targetListFilter] ?? "" },
      ],
      topology: topology.name,
      vcpus: topology.count,
      sender: input.sender,
      targets,
      clusters,
      engines: ENGINE_NAMES.map((engine) => ({ engine, unsupported: "GICD_SGIR is a GICv2 distributor write; the engines dispatch GICv3 ICC_SGI*R_EL1 writes" })),
      warnings,
    };
  }
  const register = SGI_REGISTER_NAMES.indexOf(input.register) as SgiRegister;
  const w = decodeSgiRegister(input.value, register, { strict });
  const value = parseRegisterValue(input.value, 64, SGI_REGISTER_ARCH_NAMES[register]);
  if (w.rs !== 0 && w.irm === 0 && !topology.rss) warnings.push(`RS = ${String(w.rs)} on a VM without RSS: treated as 0, as KVM and QEMU do`);
  if (w.irm === 1 && (w.targetList | w.aff1 | w.aff2 | w.aff3 | w.rs) !== 0) warnings.push("IRM = 1: Aff3, Aff2, Aff1, RS and TargetList are ignored (all but self)");
  const results = routeOnEngines(prepareEngines(topology), w, input.sender, new RecordingSink(topology.count));
  const ref = results.get("reference");
  const targets = ref !== undefined && "targets" in ref ? ref.targets : [];
  const same = (t: readonly number[]): boolean => t.length === targets.length && t.every((x, i) => x === targets[i]);
  const engines: EngineOutcome[] = [];
  for (const [engine, r] of results) {
    engines.push("unsupported" in r ? { engine, unsupported: r.unsupported } : { engine, visits: r.visits, targets: r.targets, agrees: same(r.targets) && r.duplicates === 0 });
  }
  if (targets.length === 0) warnings.push("no vCPU has the addressed affinity: the write reaches nobody");
  return {
    registerName: SGI_REGISTER_ARCH_NAMES[register],
    hex: formatHex(value),
    fields: sgiFields(w),
    topology: topology.name,
    vcpus: topology.count,
    sender: input.sender,
    targets,
    clusters,
    engines,
    warnings,
  };
}
