/** The benchmark lab: workloads, timing harness, native anchor, memory, goals. */
export { formatReport } from "./format.ts";
export { evaluateGoals, type GoalResult } from "./goals.ts";
export { measureMemory, type MemoryResult } from "./memory.ts";
export { buildNative, type NativeBuild, NATIVE_FLAGS, runNative } from "./native.ts";
export { createRng, type Rng, seedFor } from "./rng.ts";
export {
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  FLOOR_KINDS,
  type FloorKind,
  type FloorResult,
  type NativeResult,
  runBench,
  type SkippedCell,
} from "./run.ts";
export { MAX_REPLAY_WRITES, replayWorkload } from "./replay-workload.ts";
export { WorkloadUnsupportedError } from "./workload-error.ts";
export { type BatchTargets, resolveTargets } from "./targets.ts";
export {
  BUILTIN_WORKLOADS,
  lastClusterOf,
  randomCpumask,
  registerWorkload,
  registerWorkloadFamily,
  resolveWorkload,
  targetGroups,
  type Workload,
  type WorkloadContext,
  type WriteBatch,
  WriteBatchBuilder,
  workloadFamilies,
  workloadNames,
} from "./workloads.ts";
