/**
 * `vsgi/lab` — the laboratory: the side-by-side benchmark, the cost model, the whole lab run
 * with its HTML report, and the hot-path internals they are built from (allocation-free
 * decoding, engine preparation and routing with visit counts, the state's memory layout).
 *
 * @example
 * ```ts
 * import { presetTopology } from "vsgi";
 * import { prepareEngines, RecordingSink, routeOnEngines, decodeSgiRegister } from "vsgi/lab";
 * const topology = presetTopology("kvm:512");
 * const results = routeOnEngines(prepareEngines(topology), decodeSgiRegister("0x011F8001"), 3, new RecordingSink(topology.count));
 * console.log(results.get("kvm-linear")); // { targets: [496, 511], visits: …, duplicates: 0 }
 * ```
 * @packageDocumentation
 * @module vsgi/lab
 */
export { decodeSgiInto, decodeSgiRegister, newSgiWrite } from "../arch/sgi-register.ts";
export { RecordingSink } from "../engines/recording-sink.ts";
export { type PreparedEngine, prepareEngines, type RouteResult, routeOnEngines } from "../engines/prepared.ts";
export { type SgiStateLayout, sgiStateLayout } from "../state/layout.ts";
export { type HiLo, linuxSgi1rWrites } from "../workload/linux-gicv3.ts";
export {
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  type FloorResult,
  type GoalResult,
  type MemoryResult,
  type NativeResult,
  runBench,
  type SkippedCell,
} from "../bench/index.ts";
export type { WorkerSetup } from "../bench/types.ts";
export type { Citation, CostTerm, MachineCosts } from "../model/costs.ts";
export type { MeasuredRow } from "../model/measure.ts";
export type { LinuxIpiProfile, MulticastSize } from "../workload/profile.ts";
export type { Histogram } from "../workload/stats.ts";
export { type BreakEven, type ModelOptions, type ModelOutput, type ModelRow, type ModelWorkload, runModel as runCostModel } from "../model/model.ts";
export type { ModelReport } from "../model/report.ts";
export { bundledTraces, type LabOptions, type LabOutcome, type LabProgress, runLab } from "../lab/run.ts";
export { renderReport } from "../report/page.ts";
export type { ExplorerScript } from "../report/sections/explorer.ts";
export type { LabResults, Machine, Missing, TraceFailure, TraceReplay } from "../report/types.ts";
