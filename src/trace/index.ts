/** Real guest traces: importers (QEMU log, ftrace `ipi_raise`, JSONL), export, replay, capture. */
export { makeEvent, TRACE_FORMATS, type TraceEvent, type TraceFormat, type TraceParser } from "./event.ts";
export { FtraceParser, LINUX_IPI_REASONS, parseCpumask } from "./ftrace.ts";
export { formatJsonlEvent, formatJsonlHeader, JSONL_FORMAT_NAME, JSONL_VERSION, JsonlParser } from "./jsonl.ts";
export { isGzipFile, MAX_LINE_CHARS, openTraceStream } from "./lines.ts";
export { QEMU_GENERATE_EVENT, QEMU_SEND_EVENT, QemuLogParser, qemuVcpuOfAffinity } from "./qemu-log.ts";
export { parseFormatOption, type ReadTraceOptions, readTrace, readTraceFrom, sniffLine, type TraceOpener, TraceReader } from "./read.ts";
export { defaultTopology, type EngineReplay, hasMismatch, type Mismatch, type ReplayOptions, type ReplayReport, replayTrace } from "./replay.ts";
export { type TraceStats, TraceStatsAccumulator } from "./stats.ts";
export { compareIntent, type IntentReport } from "./intent.ts";
export { buildInitramfs, buildNewcCpio, type CpioEntry } from "./capture/cpio.ts";
export { CAPTURE_TRACE_EVENTS, CAPTURE_WORKLOADS, guestCommandLine, qemuCaptureArgs, type QemuCaptureSpec } from "./capture/qemu-command.ts";
export { capture, type CaptureOptions, type CaptureResult, consolePathFor } from "./capture/run.ts";
