/** The benchmark lab: workloads, timing harness, native anchor, memory, goals. */
export { type Workload, type WorkloadContext, type WriteBatch, WriteBatchBuilder } from "./batch.ts";
export { formatReport } from "./format.ts";
export { evaluateGoals } from "./goals.ts";
export { measureMemory, type MemoryResult } from "./memory.ts";
export { buildNative, type NativeBuild, NATIVE_FLAGS, runNative } from "./native.ts";
export { MAX_REPLAY_WRITES, replayWorkload } from "./replay-workload.ts";
export { runBench } from "./run.ts";
export { type BatchTargets, resolveTargets } from "./targets.ts";
export {
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  FLOOR_KINDS,
  type FloorKind,
  type FloorResult,
  type GoalResult,
  type NativeResult,
  type SkippedCell,
} from "./types.ts";
export { WorkloadUnsupportedError } from "./workload-error.ts";
export {
  BUILTIN_WORKLOADS,
  lastClusterOf,
  randomCpumask,
  registerWorkload,
  registerWorkloadFamily,
  resolveWorkload,
  targetGroups,
  workloadFamilies,
  workloadNames,
} from "./workloads.ts";
