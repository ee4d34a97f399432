/**
 * vsgi — a bit-exact virtual GIC SGI subsystem and the dispatch algorithms of KVM, QEMU, Xen
 * and a 2023 RFC beside it. Named exports only; see README.md.
 */
export { decodeGicdSgir, encodeGicdSgir, GICV2_MAX_CPUS, type GicdSgirWrite, gicdSgirTargetMask, TargetListFilter } from "./arch/gicd-sgir.ts";
export { type Affinity, affinityOfMpidr, formatAffinity, mpidrOfAffinity, packAffinity, unpackAffinity } from "./arch/mpidr.ts";
export {
  decodeSgiInto,
  decodeSgiRegister,
  encodeSgiHiLo,
  encodeSgiRegister,
  newSgiWrite,
  parseSgiRegisterName,
  SGI_REGISTER_NAMES,
  type SgiFields,
  SgiRegister,
  type SgiRegisterName,
  type SgiWrite,
  sgiWriteToJson,
} from "./arch/sgi-register.ts";
export { formatHex, joinU64, parseRegisterValue, splitU64 } from "./arch/value.ts";
export {
  createEngine,
  ENGINE_NAMES,
  type Engine,
  type EngineName,
  prepareEngines,
  RecordingSink,
  routeOnEngines,
  type Support,
} from "./engines/index.ts";
export {
  ErrorCode,
  InvalidRegisterError,
  InvalidValueError,
  TopologyError,
  TraceParseError,
  UnknownVcpuError,
  UsageError,
  VsgiError,
} from "./errors.ts";
export { type GicDiagnostics, VirtualGic, type VirtualGicOptions } from "./gic.ts";
export { AtomicSgiState, sharedSgiLayout } from "./state/shared.ts";
export { SGI_COUNT, sgiStateLayout, SPURIOUS_INTID } from "./state/layout.ts";
export { SgiState } from "./state/sgi-state.ts";
export type { DeliverySink, KickHandler } from "./state/sink.ts";
export { loadTopology, MAX_VCPUS, parseTopologyJson, presetTopology, Topology } from "./topology/index.ts";
export { type ReadTraceOptions, type ReplayReport, readTrace, replayTrace, type TraceEvent } from "./trace/index.ts";
export { linuxSgi1rWrites } from "./workload/linux-gicv3.ts";
