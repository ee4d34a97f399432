/** The dispatch engines: the contract, the registry, and routing a write on them. */
export { type Engine, type EngineName, requireNoRss, type Support, writeCluster } from "./engine.ts";
export { compressBits, KvmMpidrIndexEngine } from "./kvm-mpidr-index.ts";
export { KvmLinearEngine } from "./kvm-linear.ts";
export { QemuScanEngine } from "./qemu-scan.ts";
export { RecordingSink } from "./recording-sink.ts";
export { isTargetOf, ReferenceEngine } from "./reference.ts";
export {
  createEngine,
  ENGINE_NAMES,
  type EngineEntry,
  engineEntries,
  engineNames,
  isEngineName,
  orderEngines,
  parseEngineList,
  registerEngine,
} from "./registry.ts";
export { type PreparedEngine, prepareEngines, type RouteResult, routeOnEngines } from "./prepared.ts";
export { ROUTE_REGISTERS, type RouteRegister, type RoutedWrite, routeWrite } from "./route.ts";
export { RfcAffskipEngine } from "./rfc-affskip.ts";
export { VsgiEngine } from "./vsgi.ts";
export { XenEngine, xenAffinity } from "./xen.ts";
