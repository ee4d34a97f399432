/**
 * The concurrent-injection stress test: sender worker threads write ICC_SGI1R_EL1 values
 * (unicast, multicast within a cluster, IRM broadcast) through their own `VirtualGic` over one
 * shared SGI state, while receiver workers acknowledge and EOI the SGIs of the vCPUs they own.
 *
 * The invariant it proves, per (target vCPU, INTID) pair k: every send is observed by an
 * acknowledge that happened after it, or coalesced with one that was; no acknowledge without a
 * send. How, without a global clock:
 *
 * - a sender takes a ticket `started[k] += 1` *before* it sets the SGI pending;
 * - a receiver, *after* claiming the pending bit, reads `started[k]` = s; the sends with tickets
 *   ≤ s either set pending before the claim (observed by it or by an earlier acknowledge) or
 *   set it after (then the bit is pending again and a later acknowledge observes them);
 * - after every sender has finished, each receiver makes one more full pass.
 *
 * So with a correct state the last acknowledge of k reads `started[k]` in full: `lost` counts
 * the tickets above the last value a receiver read. The i-th acknowledge of k needs i distinct
 * sends before it (the pending bit is set only by a send after the previous claim), so i > s is
 * a `phantom`. Independently, every send either newly set the bit (a kick, later claimed by
 * exactly one acknowledge) or found it set (coalesced): sent = acknowledged + coalesced.
 */
import { ENGINE_NAMES, type EngineName } from "../engines/index.ts";
import { TopologyError, UsageError } from "../errors.ts";
import { VirtualGic } from "../gic.ts";
import { SGI_COUNT } from "../state/layout.ts";
import { AtomicSgiState } from "../state/shared.ts";
import { loadTopology } from "../topology/index.ts";
import { startModuleWorker } from "../util/worker.ts";
import type { Worker } from "node:worker_threads";

/** Int32 indices of the control words at the start of the harness buffer. */
export const CTRL_SENDERS_DONE = 0;
export const CTRL_GO = 1;
/** Control words (padded to a cache line so tickets do not share it). */
export const CTRL_WORDS = 16;
/** Int32 words per receiver doorbell (one cache line each, so rings do not false-share). */
export const DOORBELL_STRIDE = 16;
/** Most receivers a run can have (64 workers). */
export const MAX_RECEIVERS = 32;

/** How to run a stress test. */
export interface StressOptions {
  /** Worker threads in all: ⌈w/2⌉ senders, ⌊w/2⌋ receivers (at least 2). */
  readonly workers: number;
  /** Register writes in all, split over the senders. */
  readonly writes: number;
  /** Topology preset, e.g. `kvm:512`. */
  readonly topology: string;
  readonly engine: EngineName;
  /** Seed of the senders' random write streams. */
  readonly seed: number;
  /**
   * Use the plain single-thread SGI state over the shared buffer (non-atomic read-modify-write),
   * to show what the check catches. Real threads catch it only now and then.
   */
  readonly racy?: boolean;
}

/** What a sender worker reports. */
export interface SenderReport {
  readonly role: "sender";
  readonly writes: number;
  /** Deliveries the writes made (targets reached), = tickets taken. */
  readonly deliveries: number;
  /** Writes whose reached-count differed from the targets the sender computed. */
  readonly mismatched: number;
  readonly coalesced: number;
  readonly kicks: number;
  readonly unicast: number;
  readonly multicast: number;
  readonly broadcast: number;
}

/** What a receiver worker reports. */
export interface ReceiverReport {
  readonly role: "receiver";
  readonly acknowledged: number;
  readonly phantom: number;
  /** Passes over the owned vCPUs. */
  readonly passes: number;
  /** Times it slept on its doorbell after a pass found nothing. */
  readonly sleeps: number;
}

/** The outcome, as `vsgi stress --json` prints it. */
export interface StressResult {
  /** Deliveries made by all writes (a multicast to k vCPUs counts k). */
  readonly sent: number;
  readonly acknowledged: number;
  /** Deliveries that found the SGI already pending (one acknowledge covers them). */
  readonly coalesced: number;
  readonly lost: number;
  readonly phantom: number;
  readonly seconds: number;
  readonly writes: number;
  readonly writesPerSecond: number;
  readonly workers: number;
  readonly senders: number;
  readonly receivers: number;
  readonly vcpus: number;
  readonly topology: string;
  readonly engine: EngineName;
  readonly kicks: number;
  readonly unicast: number;
  readonly multicast: number;
  readonly broadcast: number;
  readonly racy: boolean;
  readonly seed: number;
}

/** A topology as data a worker can be sent. */
export interface TopologyData {
  readonly name: string;
  readonly affinity: readonly number[];
  readonly rss: boolean;
  readonly userspace: boolean;
}

/** Data each worker starts with. */
export interface StressWorkerData {
  readonly role: "sender" | "receiver";
  readonly index: number;
  readonly senders: number;
  readonly receivers: number;
  /** The layout as plain data (a Topology does not survive postMessage); the worker rebuilds it. */
  readonly topology: TopologyData;
  readonly engine: EngineName;
  readonly racy: boolean;
  readonly gicBuffer: SharedArrayBuffer;
  readonly harness: SharedArrayBuffer;
  readonly writes: number;
  readonly seed: number;
}

/** Int32 views of the harness buffer: control words, tickets and the receivers' coverage. */
export function harnessViews(harness: SharedArrayBuffer, vcpus: number): { ctrl: Int32Array; bells: Int32Array; started: Int32Array; covered: Int32Array } {
  const pairs = vcpus * SGI_COUNT;
  const bellWords = MAX_RECEIVERS * DOORBELL_STRIDE;
  return {
    ctrl: new Int32Array(harness, 0, CTRL_WORDS),
    bells: new Int32Array(harness, CTRL_WORDS * 4, bellWords),
    started: new Int32Array(harness, (CTRL_WORDS + bellWords) * 4, pairs),
    covered: new Int32Array(harness, (CTRL_WORDS + bellWords + pairs) * 4, pairs),
  };
}

/** Bytes of the harness buffer for `vcpus` vCPUs. */
export function harnessBytes(vcpus: number): number {
  return (CTRL_WORDS + MAX_RECEIVERS * DOORBELL_STRIDE + 2 * vcpus * SGI_COUNT) * 4;
}

/** Checks options a user gave (counts, engine, topology) before any thread starts. */
export function checkStressOptions(o: StressOptions): void {
  if (!Number.isInteger(o.workers) || o.workers < 2 || o.workers > 64) throw new UsageError(`--workers must be 2..64 (a sender and a receiver at least), got ${String(o.workers)}`, String(o.workers));
  if (!Number.isInteger(o.writes) || o.writes < 1 || o.writes > 1e10) throw new UsageError(`--writes must be 1..1e10, got ${String(o.writes)}`, String(o.writes));
  if (!(ENGINE_NAMES as readonly string[]).includes(o.engine)) throw new UsageError(`unknown engine "${o.engine}" (expected one of ${ENGINE_NAMES.join(", ")})`, o.engine);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff) throw new UsageError(`--seed must be 0..4294967295, got ${String(o.seed)}`, String(o.seed));
}

/** Combines the workers' reports and the harness buffer into the verdict. */
export function verifyStress(
  started: Int32Array,
  covered: Int32Array,
  senders: readonly SenderReport[],
  receivers: readonly ReceiverReport[],
): { sent: number; acknowledged: number; coalesced: number; lost: number; phantom: number; kicks: number } {
  let lostByTicket = 0;
  for (let k = 0; k < started.length; k++) {
    const gap = Atomics.load(started, k) - Atomics.load(covered, k);
    if (gap > 0) lostByTicket += gap;
  }
  let sent = 0;
  let coalesced = 0;
  let kicks = 0;
  let mismatched = 0;
  for (const s of senders) {
    sent += s.deliveries;
    coalesced += s.coalesced;
    kicks += s.kicks;
    mismatched += s.mismatched;
  }
  let acknowledged = 0;
  let phantomByTicket = 0;
  for (const r of receivers) {
    acknowledged += r.acknowledged;
    phantomByTicket += r.phantom;
  }
  if (mismatched > 0) throw new Error(`${String(mismatched)} writes reached a different number of vCPUs than the harness computed (harness or engine bug)`);
  // Each kick must be claimed by exactly one acknowledge; a surplus either way is a loss or a phantom.
  const unaccounted = sent - coalesced - acknowledged;
  return {
    sent,
    acknowledged,
    coalesced,
    lost: Math.max(lostByTicket, unaccounted),
    phantom: Math.max(phantomByTicket, -unaccounted),
    kicks,
  };
}

/** Starts one worker: `ready` once it has built its VirtualGic, `done` with its report. */
function runWorker(data: StressWorkerData): { worker: Worker; ready: Promise<void>; done: Promise<SenderReport | ReceiverReport> } {
  const worker = startModuleWorker(import.meta.url, "stress-worker", data);
  let report: SenderReport | ReceiverReport | undefined;
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const done = new Promise<SenderReport | ReceiverReport>((resolve, reject) => {
    worker.on("message", (m: { ready?: true; report?: SenderReport | ReceiverReport }) => {
      if (m.ready === true) ready();
      if (m.report !== undefined) report = m.report;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (report !== undefined && code === 0) resolve(report);
      else reject(new Error(`stress worker ${data.role} ${String(data.index)} exited with code ${String(code)}${report === undefined ? " without a report" : ""}`));
    });
  });
  return { worker, ready: readyP, done };
}

/**
 * Runs the stress test on worker threads and verifies the invariant.
 * @example (await runStress({ workers: 2, writes: 1e5, topology: "kvm:64", engine: "vsgi", seed: 1 })).lost // 0
 */
export async function runStress(o: StressOptions): Promise<StressResult> {
  checkStressOptions(o);
  // Building the topology and engine here reports a bad --topology/--engine before threads start.
  // A JSON file is read here, once, like every other command's --topology.
  const topology = loadTopology(o.topology);
  const probe = new VirtualGic({ topology, engine: o.engine });
  const vcpus = probe.topology.count;
  if (vcpus < 2) throw new TopologyError(`stress needs at least 2 vCPUs; ${o.topology} has ${String(vcpus)}`, o.topology);
  const sendersN = Math.ceil(o.workers / 2);
  const receiversN = o.workers - sendersN;
  const gicBuffer = AtomicSgiState.createBuffer(vcpus);
  const harness = new SharedArrayBuffer(harnessBytes(vcpus));
  const views = harnessViews(harness, vcpus);
  const topologyData: TopologyData = { name: topology.name, affinity: Array.from(topology.affinity), rss: topology.rss, userspace: topology.userspace };
  const base = { senders: sendersN, receivers: receiversN, topology: topologyData, engine: o.engine, racy: o.racy === true, gicBuffer, harness, seed: o.seed } as const;
  const runs: ReturnType<typeof runWorker>[] = [];
  for (let i = 0; i < sendersN; i++) {
    const writes = Math.floor(o.writes / sendersN) + (i < o.writes % sendersN ? 1 : 0);
    runs.push(runWorker({ ...base, role: "sender", index: i, writes }));
  }
  for (let i = 0; i < receiversN; i++) runs.push(runWorker({ ...base, role: "receiver", index: i, writes: 0 }));
  const all = Promise.all(runs.map((r) => r.done));
  let t0 = performance.now();
  let reports: (SenderReport | ReceiverReport)[];
  try {
    await Promise.race([Promise.all(runs.map((r) => r.ready)), all]);
    t0 = performance.now();
    Atomics.store(views.ctrl, CTRL_GO, 1);
    Atomics.notify(views.ctrl, CTRL_GO);
    reports = await all;
  } catch (e) {
    // One failed worker must not leave the others spinning or waiting for the start signal.
    for (const r of runs) void r.worker.terminate();
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const senders = reports.filter((r): r is SenderReport => r.role === "sender");
  const receivers = reports.filter((r): r is ReceiverReport => r.role === "receiver");
  const v = verifyStress(views.started, views.covered, senders, receivers);
  const sum = (k: "unicast" | "multicast" | "broadcast" | "writes"): number => senders.reduce((a, s) => a + s[k], 0);
  return {
    sent: v.sent,
    acknowledged: v.acknowledged,
    coalesced: v.coalesced,
    lost: v.lost,
    phantom: v.phantom,
    seconds: Math.round(seconds * 1000) / 1000,
    writes: sum("writes"),
    writesPerSecond: Math.round(sum("writes") / seconds),
    workers: o.workers,
    senders: sendersN,
    receivers: receiversN,
    vcpus,
    topology: o.topology,
    engine: o.engine,
    kicks: v.kicks,
    unicast: sum("unicast"),
    multicast: sum("multicast"),
    broadcast: sum("broadcast"),
    racy: o.racy === true,
    seed: o.seed,
  };
}
