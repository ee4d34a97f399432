/**
 * Replay of a real trace: every write goes through every dispatch engine; each engine is compared
 * with the reference model, and the reference with the deliveries the traced system made (QEMU's
 * own `gicv3_redist_send_sgi` record, an oracle nobody here wrote).
 */
import { beyondLimitReason } from "../engines/peer-support.ts";
import { engineNames, type EngineName, prepareEngines } from "../engines/index.ts";
import { peerOfEngine } from "../engines/peers.ts";
import { loadTopology, presetTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import type { TraceEvent, TraceFormat } from "./event.ts";
import type { Readable } from "node:stream";
import { checkObject, checkText, describeValue, InvalidValueError, TraceParseError } from "../errors.ts";
import { type Gicv2Replay, replayGicv2 } from "./qemu-gicv2.ts";
import { readTrace, readTraceFrom, type TraceReader } from "./read.ts";
import { EngineChecker } from "./replay-engines.ts";
import { type TraceStats, TraceStatsAccumulator } from "./stats.ts";

/** Options of {@link replayTrace}. */
export interface ReplayOptions {
  /** A Topology, a preset (`qemu:8`) or a JSON file; default: the JSONL header's, else `qemu:<vCPUs seen>`. */
  readonly topology?: Topology | string;
  /** Engines to run (default: all); the reference always runs. */
  readonly engines?: readonly EngineName[];
  readonly format?: TraceFormat | "auto";
  /** Skip and count malformed lines instead of failing. */
  readonly lenient?: boolean;
  /** Called at each mismatch as it is found (`engine` is the engine's name, or "oracle"). */
  readonly onMismatch?: (engine: string, m: Mismatch) => void;
}

/** A write on which two sides disagree. */
export interface Mismatch {
  readonly line: number;
  readonly sender: number;
  /** The register value in hex. */
  readonly value: string;
  /** What the reference model delivered. */
  readonly expected: readonly number[];
  /** What the engine (or the traced system) delivered. */
  readonly actual: readonly number[];
  /** GICv2 oracle: what disagreed, in words. */
  readonly message?: string;
}

/** One engine's result over the trace. */
export type EngineReplay =
  | {
      mismatches: number;
      visits: number;
      firstMismatch?: Mismatch;
      /** The peer the engine models (`kvm-6.6`, `qemu-7.2+`, …). */
      peer?: string;
      /** Writes on which each of the peer's rules changed the outcome (all SGIs Group 1, every vCPU online). */
      rules?: Record<string, number>;
    }
  | { unsupported: string; peer?: string };

/** What `vsgi replay --json` prints for one trace. */
export interface ReplayReport {
  readonly trace: string;
  readonly format: TraceFormat;
  readonly topology: string;
  readonly vcpus: number;
  /** Register writes replayed. */
  readonly writes: number;
  /** Deliveries recorded in the trace (0 for traces without them, e.g. ftrace). */
  readonly deliveries: number;
  /** Deliveries the reference model made. */
  readonly referenceDeliveries: number;
  readonly lines: number;
  readonly lenientSkipped: number;
  /** Lines of other events or free text, skipped by design (counted so that a foreign file shows). */
  readonly foreignLines: number;
  /** QEMU: writes finished early because more threads had one pending than the parser keeps. */
  readonly threadEvictions: number;
  /** A GICv2 log: the result of its oracle (src/trace/qemu-gicv2.ts); the engines do not apply. */
  readonly gicv2?: Gicv2Replay;
  readonly stats: TraceStats;
  readonly engines: Record<string, EngineReplay>;
  readonly oracle: { checked: number; mismatches: number; firstMismatch: Mismatch | null };
}

/** Whether a report has any engine or oracle mismatch. */
export function hasMismatch(r: ReplayReport): boolean {
  checkObject(r, "replay report");
  if (typeof r.oracle !== "object" || r.oracle === null || typeof r.engines !== "object" || r.engines === null) throw new InvalidValueError("hasMismatch needs a replay report (with oracle and engines)", describeValue(r));
  return (r.gicv2?.mismatches ?? 0) > 0 || r.oracle.mismatches > 0 || Object.values(r.engines).some((e) => "mismatches" in e && e.mismatches > 0);
}

/**
 * The topology a replay uses when none is given: the JSONL header's, ftrace's first-pass one, or
 * `qemu:<largest vCPU id seen + 1>` (a QEMU log has no header; vCPUs that never send nor
 * receive are invisible, so pass the real topology to count visits on a larger VM).
 */
export async function defaultTopology(path: string, options: { readonly format?: TraceFormat | "auto"; readonly lenient?: boolean } = {}): Promise<Topology> {
  const r = readTrace(path, { format: options.format ?? "auto", lenient: options.lenient === true });
  let max = -1;
  for await (const batch of r.batches()) {
    for (const e of batch) {
      if (e.sender > max) max = e.sender;
      if (e.deliveries !== undefined) for (const d of e.deliveries) if (d > max) max = d;
    }
  }
  if (r.format === "ftrace" && r.topology !== undefined) return r.topology;
  if (r.headerTopology !== undefined) return r.headerTopology;
  return presetTopology(`qemu:${String(Math.max(1, max + 1))}`);
}

function hex(e: TraceEvent): string {
  return e.hi === 0 ? `0x${e.lo.toString(16)}` : `0x${e.hi.toString(16)}${e.lo.toString(16).padStart(8, "0")}`;
}

/**
 * Replays a trace file through the engines and the oracle.
 * @example const r = await replayTrace("fixtures/qemu-virt-4vcpu.log.gz"); r.oracle.mismatches // 0
 */
export async function replayTrace(path: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  checkText(path, "trace path");
  checkObject(options, "replayTrace options");
  const format = options.format ?? "auto";
  const lenient = options.lenient === true;
  const topology =
    options.topology === undefined
      ? await defaultTopology(path, { format, lenient })
      : typeof options.topology === "string"
        ? loadTopology(options.topology)
        : options.topology;
  return replayReader(readTrace(path, { format, lenient, topology }), topology, options);
}

/**
 * Replays a trace read from standard input (or any stream) as it arrives; a `topology` is needed,
 * since the stream cannot be read twice. Mismatches reach `onMismatch` as they are found.
 */
export async function replayStream(source: Readable, name: string, topology: Topology | string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const topo = typeof topology === "string" ? loadTopology(topology) : topology;
  const reader = readTraceFrom(async () => source, name, { format: options.format ?? "auto", lenient: options.lenient === true, topology: topo });
  return replayReader(reader, topo, options);
}

async function replayReader(reader: TraceReader, topology: Topology, options: ReplayOptions): Promise<ReplayReport> {
  const path = reader.name;
  const names = options.engines ?? engineNames();
  const withRef: EngineName[] = names.includes("reference") ? [...names] : ["reference", ...names];
  const prepared = prepareEngines(topology, withRef);
  const engines: Record<string, EngineReplay> = {};
  for (const { engine, support } of prepared) {
    const peer = peerOfEngine(engine.name).id;
    // A VM past the peer's limit is not a run of that peer (its lookup would still be a projection).
    if (support.supported && support.projection !== undefined) engines[engine.name] = { unsupported: beyondLimitReason(peerOfEngine(engine.name), topology.count), peer };
    else engines[engine.name] = support.supported ? { mismatches: 0, visits: 0, peer, rules: {} } : { unsupported: support.reason, peer };
  }
  const stats = new TraceStatsAccumulator(topology);
  const oracle: { checked: number; mismatches: number; firstMismatch: Mismatch | null } = { checked: 0, mismatches: 0, firstMismatch: null };
  const onMismatch = options.onMismatch;
  let writes = 0;
  let deliveries = 0;
  let referenceDeliveries = 0;

  const checker = new EngineChecker(prepared, topology.count, (name) => {
    const acc = engines[name];
    return acc !== undefined && "mismatches" in acc ? acc : undefined;
  });
  const ref = checker.ref;
  let current: TraceEvent | undefined;
  const engineMismatch = (name: string, expected: number[], actual: number[]): void => {
    const e = current!;
    const m = { line: e.line, sender: e.sender, value: hex(e), expected, actual };
    const acc = engines[name] as { firstMismatch?: Mismatch };
    acc.firstMismatch ??= m;
    onMismatch?.(name, m);
  };

  // Batches, not events: one await per chunk of input instead of one per write.
  for await (const batch of reader.batches()) {
    for (const e of batch) {
      writes++;
      current = e;
      checker.check(e.write, e.sender, engineMismatch);
      const n = checker.refCount;
      referenceDeliveries += n;
      stats.add(e, ref, n);
      if (e.deliveries !== undefined) {
        oracle.checked++;
        deliveries += e.deliveries.length;
        if (!checker.sameAsRef(e.deliveries)) {
          oracle.mismatches++;
          const m = { line: e.line, sender: e.sender, value: hex(e), expected: Array.from(ref.subarray(0, n)), actual: [...e.deliveries] };
          oracle.firstMismatch ??= m;
          onMismatch?.("oracle", m);
        }
      }
    }
  }
  const base = { trace: path, format: reader.format ?? "qemu", lines: reader.lines, lenientSkipped: reader.lenientSkipped, foreignLines: reader.otherLines, threadEvictions: reader.threadEvictions };
  if (writes === 0 && reader.gicv2Lines > 0 && path !== "-") {
    const v2 = await replayGicv2(path, options.topology === undefined ? undefined : topology.count);
    const topo = presetTopology(`qemu:${String(v2.cpus)}`);
    const unsupported: Record<string, EngineReplay> = {};
    for (const n of withRef) unsupported[n] = { unsupported: "a GICv2 log (GICD_SGIR): replayed through VirtualGic's GICv2 path and its oracle instead" };
    const first = v2.firstMismatch;
    return {
      ...base,
      topology: topo.name,
      vcpus: topo.count,
      writes: v2.writes,
      deliveries: v2.acknowledged,
      referenceDeliveries: v2.modelDeliveries,
      foreignLines: v2.otherLines,
      threadEvictions: v2.threadEvictions,
      gicv2: v2,
      stats: v2.stats,
      engines: unsupported,
      oracle: { checked: v2.acknowledged + v2.eoisChecked, mismatches: v2.mismatches, firstMismatch: first === null ? null : { line: first.line, sender: -1, value: "", expected: [], actual: [], message: first.message } },
    };
  }
  if (writes === 0) {
    const what = reader.lines === 0 ? "empty trace (no line)" : `no SGI write in ${String(reader.lines)} lines (${String(reader.otherLines)} of other events or foreign text${reader.lenientSkipped > 0 ? `, ${String(reader.lenientSkipped)} malformed` : ""}): not a ${String(reader.format ?? "known")} SGI trace`;
    throw new TraceParseError(what, path, 0, "");
  }
  const onlyRequested: Record<string, EngineReplay> = {};
  for (const n of withRef) if (engines[n] !== undefined) onlyRequested[n] = engines[n];
  return {
    ...base,
    topology: topology.name,
    vcpus: topology.count,
    writes,
    deliveries,
    referenceDeliveries,
    stats: stats.finish(),
    engines: onlyRequested,
    oracle,
  };
}
