/**
 * Routing one register write on every engine: the one function behind `vsgi route`, the
 * report's route explorer and (through `routeOnEngines`, per decoded write) trace replay.
 * Pure: no Node built-ins, so the explorer bundles it for the browser.
 */
import { decodeGicdSgir, GICV2_MAX_CPUS, type GicdSgirWrite, gicdSgirTargetMask } from "../arch/gicd-sgir.ts";
import { decodeSgiRegister, parseSgiRegisterName, SGI_REGISTER_NAMES, type SgiRegisterName, type SgiWrite } from "../arch/sgi-register.ts";
import { parseRegisterValue } from "../arch/value.ts";
import { TopologyError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import type { EngineName } from "./engine.ts";
import { KvmMpidrIndexEngine, type PageSize } from "./kvm-mpidr-index.ts";
import { DEFAULT_PEER_INPUTS, type PeerInputs } from "./peer-outcome.ts";
import { ambiguityWarnings, gicv2PeerResults, type PeerRouteResult, withPeerRules } from "./peer-route.ts";
import { prepareEngines, routeOnEngines } from "./prepared.ts";
import { RecordingSink } from "./recording-sink.ts";
import { engineNames } from "./registry.ts";

/** Register kinds a write can be routed as, as the CLI spells them. */
export const ROUTE_REGISTERS = [...SGI_REGISTER_NAMES, "gicd-sgir"] as const;
export type RouteRegister = (typeof ROUTE_REGISTERS)[number];

/** The decoded write: a GICv3 system-register write or a GICv2 GICD_SGIR write. */
export type RoutedFields = { readonly register: SgiRegisterName; readonly write: SgiWrite } | { readonly register: "gicd-sgir"; readonly write: GicdSgirWrite };

/** One write routed on one topology. */
export interface RoutedWrite {
  readonly fields: RoutedFields;
  /** The register value as written. */
  readonly value: bigint;
  /** Target vCPUs per the architecture (the reference engine; GICv2: the distributor's rule), ascending. */
  readonly targets: number[];
  readonly warnings: string[];
  /** Each engine's outcome and its peer's rules, in registry order. */
  readonly engines: Map<EngineName, PeerRouteResult>;
}

/** How the VM is configured beyond its layout, for the peers' rules. */
export interface RouteOptions {
  /** Per-vCPU groups and power state (default: every SGI Group 1, every vCPU online). */
  readonly inputs?: PeerInputs;
  /** Host page size for KVM ≥ 6.7's index table (default 4096). */
  readonly pageSize?: PageSize;
}

/**
 * Routes the register value `text` written by vCPU `sender` (checked by the caller) on every
 * registered engine. With `strict`, RES0 bits or reserved values throw `InvalidRegisterError`.
 * @throws TopologyError for GICD_SGIR on a VM of more than 8 CPUs.
 * @example routeWrite(presetTopology("kvm:512"), 3, "0x011F8001", "sgi1r", true).targets // [496, 511]
 */
export function routeWrite(topology: Topology, sender: number, text: string, register: RouteRegister | string, strict: boolean, options: RouteOptions = {}): RoutedWrite {
  const inputs = options.inputs ?? DEFAULT_PEER_INPUTS;
  const warnings: string[] = ambiguityWarnings(topology);
  if (register.toLowerCase() === "gicd-sgir") {
    if (topology.count > GICV2_MAX_CPUS) {
      throw new TopologyError(`GICD_SGIR is a GICv2 register: at most ${String(GICV2_MAX_CPUS)} CPUs, ${topology.name} has ${String(topology.count)}`, topology.name);
    }
    const w = decodeGicdSgir(text, { strict });
    const mask = gicdSgirTargetMask(w, sender, topology.count);
    if (mask < 0) warnings.push("TargetListFilter 3 is reserved: the architecture generates no SGI; the peers differ (see each engine's rules)");
    const targets: number[] = [];
    for (let v = 0; v < topology.count; v++) if (mask > 0 && ((mask >>> v) & 1) === 1) targets.push(v);
    const engines = gicv2PeerResults(engineNames(), w, sender, inputs, topology);
    return { fields: { register: "gicd-sgir", write: w }, value: parseRegisterValue(text, 32, "GICD_SGIR"), targets, warnings, engines };
  }
  const reg = parseSgiRegisterName(register);
  const w = decodeSgiRegister(text, reg, { strict });
  if (w.rs !== 0 && w.irm === 0 && !topology.rss) warnings.push(`RS = ${String(w.rs)} on a VM without RSS: RS is RES0 and treated as 0 (as KVM and QEMU do)`);
  if (w.irm === 1 && (w.targetList | w.aff1 | w.aff2 | w.aff3 | w.rs) !== 0) warnings.push("IRM = 1: Aff3, Aff2, Aff1, RS and TargetList are ignored (all but self)");
  const prepared = prepareEngines(topology).map((p) => {
    if (p.engine.name !== "kvm-mpidr-index" || options.pageSize === undefined) return p;
    const engine = new KvmMpidrIndexEngine({ pageSize: options.pageSize });
    return { engine, support: engine.prepare(topology) };
  });
  const sink = new RecordingSink(topology.count);
  const results = routeOnEngines(prepared, w, sender, sink);
  const ref = results.get("reference");
  const targets = ref !== undefined && "targets" in ref ? ref.targets : [];
  if (targets.length === 0 && w.irm === 0) warnings.push("no vCPU has the addressed affinity: the write reaches nobody");
  const engines = withPeerRules(prepared, results, w, inputs, topology);
  // KVM 6.7–6.9 differ from 6.10+ only in the visits of a table miss: show both.
  const index = engines.get("kvm-mpidr-index");
  const v67 = new KvmMpidrIndexEngine({ version: "6.7", ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}) });
  if (index !== undefined && "targets" in index && v67.prepare(topology).supported) {
    sink.clear();
    engines.set("kvm-mpidr-index", { ...index, variants: { "kvm-6.7": { visits: v67.dispatch(w, sender, sink) } } });
  }
  return { fields: { register: SGI_REGISTER_NAMES[reg], write: w }, value: parseRegisterValue(text, 64, "register"), targets, warnings, engines };
}
