/**
 * `vsgi/node` — the parts of vsgi that need Node: topology files, the trace readers (QEMU
 * `-trace` logs, ftrace `ipi_raise`, vsgi JSONL; gzip included), replay of a trace through the
 * engines, trace capture from a Linux guest under QEMU, and the threaded stress test.
 *
 * @example
 * ```ts
 * import { replayTrace } from "vsgi/node";
 * const report = await replayTrace("qemu-virt-4vcpu.log.gz", { engines: ["vsgi", "kvm-linear"] });
 * console.log(report.writes, report.engines.vsgi);
 * ```
 * @packageDocumentation
 * @module vsgi/node
 */
export { loadTopology } from "../topology/index.ts";
export { makeEvent, TRACE_FORMATS, type TraceEvent, type TraceFormat, type TraceParser } from "../trace/event.ts";
export { formatJsonlEvent, formatJsonlHeader, JSONL_VERSION } from "../trace/jsonl.ts";
export { parseFormatOption, type ReadTraceOptions, readTrace, readTraceFrom, type TraceOpener, TraceReader } from "../trace/read.ts";
export { type EngineReplay, hasMismatch, type Mismatch, type ReplayOptions, type ReplayReport, replayTrace } from "../trace/replay.ts";
export { SPLIT_GAP_US, type TraceStats } from "../trace/stats.ts";
export { compareIntent, type IntentReport } from "../trace/intent.ts";
export { type Gicv2Mismatch, type Gicv2Replay, replayGicv2 } from "../trace/qemu-gicv2.ts";
export { capture, type CaptureOptions, type CaptureResult, consolePathFor } from "../trace/capture/run.ts";
export { runStress, type StressOptions, type StressResult } from "../concurrent/stress.ts";
