/** The engine registry. */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { Topology } from "../topology/topology.ts";
import { UsageError } from "../errors.ts";
import { ENGINE_NAMES, type Engine, type EngineName, type Support } from "./engine.ts";
import { KvmLinearEngine } from "./kvm-linear.ts";
import { KvmMpidrIndexEngine } from "./kvm-mpidr-index.ts";
import { QemuScanEngine } from "./qemu-scan.ts";
import { RecordingSink } from "./recording-sink.ts";
import { ReferenceEngine } from "./reference.ts";
import { RfcAffskipEngine } from "./rfc-affskip.ts";
import { VsgiEngine } from "./vsgi.ts";
import { XenEngine } from "./xen.ts";

export { ENGINE_NAMES, type Engine, type EngineName, requireNoRss, type Support, writeCluster } from "./engine.ts";
export { compressBits, KvmMpidrIndexEngine } from "./kvm-mpidr-index.ts";
export { KvmLinearEngine } from "./kvm-linear.ts";
export { QemuScanEngine } from "./qemu-scan.ts";
export { RecordingSink } from "./recording-sink.ts";
export { isTargetOf, ReferenceEngine } from "./reference.ts";
export { RfcAffskipEngine } from "./rfc-affskip.ts";
export { VsgiEngine } from "./vsgi.ts";
export { XenEngine, xenAffinity } from "./xen.ts";

/**
 * A new, unprepared engine by name.
 * @example createEngine("vsgi").prepare(presetTopology("kvm:64"))
 */
export function createEngine(name: EngineName): Engine {
  switch (name) {
    case "reference":
      return new ReferenceEngine();
    case "kvm-linear":
      return new KvmLinearEngine();
    case "rfc-affskip":
      return new RfcAffskipEngine();
    case "kvm-mpidr-index":
      return new KvmMpidrIndexEngine();
    case "qemu-scan":
      return new QemuScanEngine();
    case "xen":
      return new XenEngine();
    case "vsgi":
      return new VsgiEngine();
  }
}

/** Whether `name` is an engine name. */
export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

/** Parses a comma-separated engine list (`all` = every engine). */
export function parseEngineList(text: string): EngineName[] {
  if (text === "all") return [...ENGINE_NAMES];
  const names = text.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!isEngineName(n)) throw new UsageError(`unknown engine "${n}" (expected all or any of ${ENGINE_NAMES.join(", ")})`, n);
  }
  return [...new Set(names)] as EngineName[];
}

/** One engine prepared for a topology, with its support verdict. */
export interface PreparedEngine {
  readonly engine: Engine;
  readonly support: Support;
}

/** Creates and prepares the named engines for `topology`. */
export function prepareEngines(topology: Topology, names: readonly EngineName[] = ENGINE_NAMES): PreparedEngine[] {
  return names.map((name) => {
    const engine = createEngine(name);
    return { engine, support: engine.prepare(topology) };
  });
}

/** The outcome of one write on one engine. */
export type RouteResult = { readonly targets: number[]; readonly visits: number; readonly duplicates: number } | { readonly unsupported: string };

/** Dispatches one write on every prepared engine and records each one's targets and visits. */
export function routeOnEngines(prepared: readonly PreparedEngine[], w: SgiWrite, sender: number, sink: RecordingSink): Map<EngineName, RouteResult> {
  const out = new Map<EngineName, RouteResult>();
  for (const { engine, support } of prepared) {
    if (!support.supported) {
      out.set(engine.name, { unsupported: support.reason });
      continue;
    }
    sink.clear();
    const visits = engine.dispatch(w, sender, sink);
    out.set(engine.name, { targets: sink.sorted(), visits, duplicates: sink.duplicates });
  }
  return out;
}
