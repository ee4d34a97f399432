/** The benchmark's options resolved into settings: defaults, `--quick`, topologies, engines, workloads. */
import { ENGINE_NAMES, type EngineName } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { loadTopology } from "../topology/index.ts";
import { MAX_VCPUS, type Topology } from "../topology/topology.ts";
import type { Workload } from "./batch.ts";
import type { BenchOptions, WorkerSetup } from "./types.ts";
import { BUILTIN_WORKLOADS, resolveWorkload } from "./workloads.ts";

const FULL_VCPUS = [4, 16, 64, 256, 512, 4096] as const;
const QUICK_VCPUS = [64, 512] as const;
const DEFAULT_LAYOUTS = ["kvm", "sparse"] as const;

/** The layout family of a topology name (`kvm` of `kvm:512`), or the name itself. */
export function layoutOf(spec: string): string {
  const m = /^([a-z]+):/.exec(spec);
  return m?.[1] ?? spec;
}

function checkPositive(n: number, what: string, max: number): number {
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${what} must be an integer in 1..${String(max)}, got ${String(n)}`, String(n));
  return n;
}

/** A run's settings, every default applied. */
export interface Settings {
  readonly quick: boolean;
  readonly rounds: number;
  readonly writes: number;
  readonly passMs: number;
  readonly seed: number;
  readonly topologies: Topology[];
  readonly engines: EngineName[];
  readonly workloads: Workload[];
  readonly native: boolean;
  readonly memory: boolean;
  readonly memoryVcpus: number;
  readonly layouts: readonly string[];
  readonly isolate: boolean;
  readonly workerSetup?: WorkerSetup;
}

/** Applies the defaults (and `quick`'s) to `o` and checks every number. */
export function settle(o: BenchOptions): Settings {
  const quick = o.quick === true;
  const vcpus = o.vcpus ?? (quick ? QUICK_VCPUS : FULL_VCPUS);
  for (const n of vcpus) checkPositive(n, "--vcpus", MAX_VCPUS);
  const layouts = o.layouts ?? DEFAULT_LAYOUTS;
  const specs = o.topologies ?? layouts.flatMap((l) => vcpus.map((n) => `${l}:${String(n)}`));
  if (specs.length === 0) throw new UsageError("no topology to benchmark");
  const topologies = specs.map((s) => loadTopology(s));
  const engines = [...(o.engines ?? ENGINE_NAMES)];
  if (engines.length === 0) throw new UsageError("no engine to benchmark");
  const workloads = (o.workloads ?? BUILTIN_WORKLOADS.map((w) => w.name)).map((n) => resolveWorkload(n));
  if (workloads.length === 0) throw new UsageError("no workload to benchmark");
  return {
    quick,
    rounds: checkPositive(o.rounds ?? (quick ? 15 : 21), "--rounds", 1000),
    writes: checkPositive(o.writes ?? 2048, "--writes", 1 << 22),
    passMs: o.passMs ?? (quick ? 0.5 : 2),
    seed: o.seed ?? 1,
    topologies,
    engines,
    workloads,
    native: o.native !== false,
    memory: o.memory !== false,
    memoryVcpus: checkPositive(o.memoryVcpus ?? MAX_VCPUS, "memory vCPUs", MAX_VCPUS),
    layouts: [...new Set(topologies.map((t) => layoutOf(t.name)))],
    isolate: o.isolate !== false,
    ...(o.workerSetup !== undefined ? { workerSetup: o.workerSetup } : {}),
  };
}
