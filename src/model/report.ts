/**
 * `modelReport`: the cost model as `vsgi model` and `vsgi lab` present it — the model run on the
 * requested sizes, workloads and real traces, optionally with measured JS lookups, plus the
 * question it answers, the answer, and what each workload is.
 */
import type { PageSize } from "../engines/kvm-mpidr-index.ts";
import type { EngineName } from "../engines/engine.ts";
import { engineNames } from "../engines/registry.ts";
import { UsageError } from "../errors.ts";
import { intidMixByName } from "../workload/profile.ts";
import { getProfile } from "../workload/profiles.ts";
import { MACHINE_NAMES, MACHINES } from "./costs.ts";
import { measureModel, type MeasuredRow } from "./measure.ts";
import { answerParagraph, DELIVERIES, type Delivery, type ModelOutput, type ModelWorkload, runModel } from "./model.ts";
import { type TraceMix, traceMix } from "./trace.ts";

/** Default VM sizes: every power of two from 2 to 4096. */
export const MODEL_DEFAULT_VCPUS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const;
/** Default workloads: the maz/RFC micro-benchmark case and four Linux profiles. */
export const MODEL_DEFAULT_WORKLOADS = ["last-vcpu", "linux:hackbench", "linux:membarrier", "linux:membarrier-irm", "linux:tlb-shootdown-like"] as const;

/** What to model; every field is optional (the defaults are `vsgi model`'s). */
export interface ModelRequest {
  readonly vcpus?: readonly number[];
  /** MPIDR layout preset family (default kvm). */
  readonly layout?: string;
  /** `last-vcpu` and/or `linux:<profile>`. */
  readonly workloads?: readonly string[];
  /** Real traces to fit a workload from. */
  readonly traces?: readonly string[];
  readonly engines?: readonly EngineName[];
  /** Published cost set (default kunpeng-920). */
  readonly machine?: string;
  readonly deliveries?: readonly string[];
  readonly resident?: number;
  readonly threshold?: number;
  readonly writes?: number;
  /** Also time every engine in JS and show the measured lookup share. */
  readonly measure?: boolean;
  /** Skip malformed trace lines instead of failing. */
  readonly lenient?: boolean;
  /** Host PAGE_SIZE for KVM ≥ 6.7's index table (default 4096). */
  readonly pageSize?: PageSize;
}

/** What `vsgi model --json` prints, and the lab's model part. */
export interface ModelReport extends ModelOutput {
  readonly question: string;
  readonly answer: string;
  readonly workloads: readonly { readonly name: string; readonly description: string; readonly source: string; readonly ipiMix?: Record<string, number>; readonly unicastShare?: number }[];
  readonly traces: readonly { readonly trace: string; readonly vcpus: number; readonly writes: number; readonly stats: TraceMix["stats"] }[];
  readonly rows: readonly (ModelOutput["rows"][number] | MeasuredRow)[];
}

/** A model workload by name: `last-vcpu` or `linux:<profile>`. */
export function modelWorkload(name: string): ModelWorkload {
  if (name === "last-vcpu") return { kind: "last-vcpu", name };
  if (name.startsWith("linux:")) return { kind: "profile", name, profile: getProfile(name.slice("linux:".length)) };
  throw new UsageError(`unknown model workload "${name}" (expected last-vcpu or linux:<profile>; use --trace for a real trace)`, name);
}

/**
 * Runs the model for a request.
 * @throws UsageError for an unknown layout, machine, delivery or workload.
 */
export async function modelReport(r: ModelRequest = {}): Promise<ModelReport> {
  const vcpus = r.vcpus ?? [...MODEL_DEFAULT_VCPUS];
  const layout = r.layout ?? "kvm";
  if (layout !== "kvm" && layout !== "sparse") throw new UsageError(`--layout: "${layout}" must be kvm or sparse`, layout);
  const machine = MACHINES[r.machine ?? "kunpeng-920"];
  if (machine === undefined) throw new UsageError(`--machine: unknown machine "${String(r.machine)}" (expected any of ${MACHINE_NAMES.join(", ")})`, r.machine);
  const deliveries = r.deliveries ?? [...DELIVERIES];
  for (const d of deliveries) if (!(DELIVERIES as readonly string[]).includes(d)) throw new UsageError(`--delivery: unknown delivery "${d}" (expected ${DELIVERIES.join(", ")})`, d);
  const workloads = (r.workloads ?? [...MODEL_DEFAULT_WORKLOADS]).map(modelWorkload);
  const traces: TraceMix[] = [];
  for (const path of r.traces ?? []) traces.push(await traceMix(path, r.lenient === true ? { lenient: true } : {}));
  const all = [...workloads, ...traces.map((t) => t.workload)];
  const out = runModel({
    vcpus,
    layout,
    workloads: all,
    // Read at run time: plugin engines (--engine) are registered after this module loads.
    engines: r.engines ?? engineNames().filter((e) => e !== "reference"),
    deliveries: deliveries as Delivery[],
    machine,
    ...(r.resident !== undefined ? { resident: r.resident } : {}),
    ...(r.threshold !== undefined ? { threshold: r.threshold } : {}),
    ...(r.writes !== undefined ? { writes: r.writes } : {}),
    ...(r.pageSize !== undefined ? { pageSize: r.pageSize } : {}),
  });
  const rows = r.measure === true ? await measureModel(out, all) : out.rows;
  return {
    question: "What share of a whole virtual SGI is the dispatch lookup, and from what VM size does the lookup algorithm matter?",
    answer: answerParagraph(out),
    ...out,
    rows,
    workloads: all.map((w) =>
      w.kind === "profile"
        ? { name: w.name, description: w.profile.description, source: w.profile.source, ipiMix: intidMixByName(w.profile), unicastShare: w.profile.unicastShare }
        : { name: w.name, description: "every write from vCPU 0 to the last vCPU (the kvm-unit-tests ipi case of the MPIDR-index cover letter and the RFC)", source: "synthetic" },
    ),
    traces: traces.map((t) => ({ trace: t.trace, vcpus: t.vcpus, writes: t.writes, stats: t.stats })),
  };
}
