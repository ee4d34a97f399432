/**
 * The route explorer's model: one register write routed on one topology, with everything the
 * page shows (decoded fields, the vCPU grid by cluster, each engine's targets and visits).
 * It runs in the browser, bundled by esbuild from the project's own codec, topology presets and
 * engines — the same code `vsgi route` runs — so it must not import anything that uses Node
 * (src/topology/index.ts reads files; this module imports presets.ts and topology.ts directly).
 */
import { formatAffinity } from "../../arch/mpidr.ts";
import { SGI_REGISTER_ARCH_NAMES, SGI_REGISTER_NAMES, type SgiWrite } from "../../arch/sgi-register.ts";
import { formatHex } from "../../arch/value.ts";
import type { EngineName } from "../../engines/engine.ts";
import type { PeerRouteResult } from "../../engines/peer-route.ts";
import { ROUTE_REGISTERS, routeWrite } from "../../engines/route.ts";
import { checkVcpu, TopologyError } from "../../errors.ts";
import { presetTopology } from "../../topology/presets.ts";
import type { Topology } from "../../topology/topology.ts";

/** Register kinds the explorer offers, as the CLI spells them. */
export const EXPLORER_REGISTERS = ROUTE_REGISTERS;
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
export type EngineOutcome = (
  | { readonly engine: EngineName; readonly visits: number; readonly targets: readonly number[]; readonly agrees: boolean }
  | { readonly engine: EngineName; readonly unsupported: string }
) & {
  /** The peer the engine models (`kvm-6.6`, `qemu-7.2+`, …). */
  readonly peer?: string;
  /** Every peer rule that changed the outcome, and a projection's label past the peer's limit. */
  readonly rules?: readonly string[];
};

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

/** The peer and the rules it applied, for the engines table. */
function peerNotes(e: PeerRouteResult): { peer?: string; rules?: readonly string[] } {
  const rules = [...(e.rules ?? []), ...(e.projection !== undefined ? [`${e.projection.label}: ${String(e.projection.visits)} visits`] : [])];
  return { ...(e.peer !== undefined ? { peer: e.peer } : {}), ...(rules.length > 0 ? { rules } : {}) };
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
  const clusters = clusterRows(topology);
  const r = routeWrite(topology, input.sender, input.value, input.register, !input.lenient);
  const base = { topology: topology.name, vcpus: topology.count, sender: input.sender, targets: r.targets, clusters, warnings: r.warnings };
  if (r.fields.register === "gicd-sgir") {
    const w = r.fields.write;
    const filterNames = ["CPUTargetList", "all but self", "self only", "reserved"];
    return {
      ...base,
      registerName: "GICD_SGIR",
      hex: formatHex(r.value),
      fields: [
        { name: "SGIINTID", bits: "3:0", value: w.sgiIntid, note: `SGI ${String(w.sgiIntid)}` },
        { name: "NSATT", bits: "15", value: w.nsatt, note: "" },
        { name: "CPUTargetList", bits: "23:16", value: w.cpuTargetList, note: `CPUs ${listBits(w.cpuTargetList).join(", ") || "none"}` },
        { name: "TargetListFilter", bits: "25:24", value: w.targetListFilter, note: filterNames[w.targetListFilter] ?? "" },
      ],
      engines: [...r.engines].map(([engine, e]) => ({
        engine,
        unsupported: `${"unsupported" in e ? e.unsupported : ""}; pending on ${e.pending === undefined || e.pending.length === 0 ? "no CPU" : `CPUs ${e.pending.join(", ")}`}`,
        ...peerNotes(e),
      })),
    };
  }
  const same = (t: readonly number[]): boolean => t.length === r.targets.length && t.every((x, i) => x === r.targets[i]);
  const engines: EngineOutcome[] = [];
  for (const [engine, e] of r.engines) {
    engines.push(
      "unsupported" in e
        ? { engine, unsupported: e.unsupported, ...peerNotes(e) }
        : { engine, visits: e.visits, targets: e.targets, agrees: same(e.targets) && e.duplicates === 0, ...peerNotes(e) },
    );
  }
  return {
    ...base,
    registerName: SGI_REGISTER_ARCH_NAMES[SGI_REGISTER_NAMES.indexOf(r.fields.register)]!,
    hex: formatHex(r.value),
    fields: sgiFields(r.fields.write),
    engines,
  };
}
