/**
 * Real-trace mixes for the cost model: replay a trace (any format `vsgi replay` reads), take its
 * statistics and fit a Linux-guest profile to them, so the model prices the mix the guest really
 * sent at every VM size.
 */
import { basename } from "node:path";
import { replayTrace } from "../trace/replay.ts";
import type { TraceStats } from "../trace/stats.ts";
import { fitProfile } from "../workload/profile.ts";
import type { ModelWorkload } from "./model.ts";

/** A trace's fitted workload and the statistics it was fitted to. */
export interface TraceMix {
  readonly trace: string;
  readonly vcpus: number;
  readonly writes: number;
  readonly stats: TraceStats;
  readonly workload: ModelWorkload & { readonly kind: "profile" };
}

/**
 * Replays `path` (reference engine only) and fits a profile named `trace:<file name>`.
 * @example (await traceMix("fixtures/qemu-virt-4vcpu-linux6.1.log.gz")).workload.profile.unicastShare
 */
export async function traceMix(path: string, options: { readonly lenient?: boolean } = {}): Promise<TraceMix> {
  const r = await replayTrace(path, { engines: ["reference"], ...(options.lenient === true ? { lenient: true } : {}) });
  const name = `trace:${basename(path)}`;
  const profile = fitProfile(name, { ...r.stats, writes: r.writes }, r.vcpus, `trace ${basename(path)} (${String(r.vcpus)} vCPUs, ${String(r.writes)} writes)`);
  return { trace: path, vcpus: r.vcpus, writes: r.writes, stats: r.stats, workload: { kind: "profile", name, profile } };
}
