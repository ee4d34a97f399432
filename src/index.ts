/**
 * vsgi — a bit-exact virtual GIC SGI subsystem for emulators and VMMs written in JS/TS, and the
 * dispatch algorithms of KVM, QEMU, Xen and a 2023 RFC beside it.
 *
 * This root entry is the platform-neutral core: register codecs, topologies, dispatch engines,
 * the SGI state (plain and shared/atomic) and `VirtualGic`. It uses no Node built-in, has no
 * side effect on import, and bundles for the browser. Node-only parts are in `vsgi/node`
 * (topology files, trace readers, replay, capture, the threaded stress test) and the lab in
 * `vsgi/lab` (benchmarks, cost model, report, hot-path internals).
 *
 * @example
 * ```ts
 * import { VirtualGic } from "vsgi";
 * const gic = new VirtualGic({ topology: "kvm:512" });
 * gic.onKick((vcpu, intid) => console.log(`wake vCPU ${vcpu} for SGI ${intid}`));
 * gic.writeSgi1r(3, 0x011f8001n); // SGI 1 to vCPUs 496 and 511
 * gic.acknowledge(496); // 1
 * gic.eoi(496, 1);
 * ```
 * @packageDocumentation
 * @module vsgi
 */
export {
  decodeGicdSgir,
  encodeGicdSgir,
  GICV2_MAX_CPUS,
  type GicdSgirWrite,
  gicdSgirTargetMask,
  TargetListFilter,
} from "./arch/gicd-sgir.ts";
export { type Affinity, affinityOfMpidr, formatAffinity, mpidrOfAffinity, packAffinity, unpackAffinity } from "./arch/mpidr.ts";
export {
  decodeSgiRegister,
  encodeSgiHiLo,
  encodeSgiRegister,
  parseSgiRegisterName,
  SGI_REGISTER_NAMES,
  type SgiFields,
  SgiRegister,
  type SgiRegisterName,
  type SgiWrite,
  sgiWriteToJson,
} from "./arch/sgi-register.ts";
export { formatHex, joinU64, parseRegisterValue, splitU64 } from "./arch/value.ts";
export { type Engine, type EngineName, type Support } from "./engines/engine.ts";
export type { GuestException, PeerFront } from "./engines/peer-sink.ts";
export {
  type Citation as PeerCitation,
  type DuplicateRule,
  type Filter3Rule,
  type GroupRule,
  MATRIX_ROWS,
  type MatrixRow,
  PEER_IDS,
  type PeerId,
  type PeerModel,
  type PeerRules,
} from "./engines/peers.ts";
export { createEngine, ENGINE_NAMES, type EngineEntry, engineNames, isEngineName, registerEngine } from "./engines/registry.ts";
export {
  ErrorCode,
  InvalidOptionError,
  InvalidRegisterError,
  InvalidValueError,
  PluginError,
  TopologyError,
  TraceParseError,
  UnknownVcpuError,
  StateBufferError,
  UsageError,
  VsgiError,
} from "./errors.ts";
export { type GicDiagnostics, VirtualGic, type VirtualGicOptions } from "./gic.ts";
export { SGI_COUNT, SPURIOUS_INTID } from "./state/layout.ts";
export { AtomicSgiState, type SharedSgiLayout, sharedSgiLayout } from "./state/shared.ts";
export { SgiState } from "./state/sgi-state.ts";
export type { DeliverySink, KickHandler } from "./state/sink.ts";
export type { SgiConfig } from "./state/store.ts";
export { MAX_TOPOLOGY_JSON_BYTES, parseTopologyJson } from "./topology/json.ts";
export { PRESET_NAMES, presetTopology } from "./topology/presets.ts";
export { MAX_VCPUS, Topology } from "./topology/topology.ts";
