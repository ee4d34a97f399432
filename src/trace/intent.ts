/**
 * Guest intent against delivery: the writes a Linux guest meant to make (its own `ipi_raise`
 * tracepoint, split into SGI1R writes as its GICv3 driver does) against the writes QEMU logged,
 * over the window in which the tracepoint was on. The window is found from the console markers
 * that QEMU's `pl011_write` trace carries in host time: it opens at the first `@@M … BEGIN` line
 * and closes at `@@F BEGIN` (vsgi capture's /init turns tracing on just before the first and off
 * just before the second, so a few writes at either edge may fall on one side only).
 */
import { checkText, describeValue, InvalidValueError, TraceParseError } from "../errors.ts";
import { Topology } from "../topology/topology.ts";
import { microseconds } from "./event.ts";
import { openTraceStream, readLines } from "./lines.ts";
import { readTrace } from "./read.ts";

/** The comparison of one capture's QEMU log with its guest's ipi_raise dump. */
export interface IntentReport {
  readonly console: string;
  /** Host-time window (µs) of the QEMU log compared. */
  readonly window: { readonly from: number; readonly to: number };
  /** QEMU-logged writes inside the window. */
  readonly qemuWrites: number;
  /** Writes derived from the guest's ipi_raise events. */
  readonly intentWrites: number;
  /** Writes found on both sides (same sender and register value, counted as multisets). */
  readonly matched: number;
  readonly onlyInQemu: number;
  readonly onlyInIntent: number;
  /** Guest IPIs whose cpumask spans clusters, so Linux splits them into several writes. */
  readonly splitIpis: number;
  /** Of those, the ones all of whose split writes appear in QEMU's log (anywhere in it). */
  readonly splitIpisInLog: number;
}

const PL011 = /^\d+@(\d+)\.(\d+):pl011_write addr 0x0+ value 0x([0-9a-f]+)$/;

/** Host times of the first workload BEGIN marker and of the `@@F BEGIN` marker in a QEMU log. */
async function markerWindow(qemuLog: string): Promise<{ from: number; to: number }> {
  let line = "";
  let lineStart = 0;
  let from = -1;
  let to = -1;
  for await (const batch of readLines(await openTraceStream(qemuLog), qemuLog)) {
    for (const text of batch.texts) {
      const m = PL011.exec(text);
      if (m === null) continue;
      const ch = Number.parseInt(m[3]!, 16) & 0xff;
      if (line === "") lineStart = microseconds(m[1]!, m[2]!);
      if (ch === 10) {
        if (from < 0 && /^@@M \S+ BEGIN/.test(line)) from = lineStart;
        if (to < 0 && line.startsWith("@@F BEGIN")) to = lineStart;
        line = "";
      } else if (ch !== 13) {
        line += String.fromCharCode(ch);
      }
    }
  }
  if (from < 0 || to < 0) {
    throw new TraceParseError("no @@M BEGIN / @@F BEGIN console markers in the pl011_write trace (capture with --ipi-raise)", qemuLog, 0, "");
  }
  return { from, to };
}

/**
 * Compares a capture's QEMU log with the `@@F` ipi_raise dump on its console.
 * @example const r = await compareIntent("x.log.gz", "x.console", presetTopology("qemu:4")); r.matched / r.qemuWrites
 */
export async function compareIntent(qemuLog: string, consoleFile: string, topology: Topology): Promise<IntentReport> {
  checkText(qemuLog, "QEMU log path");
  checkText(consoleFile, "console file path");
  if (!(topology instanceof Topology)) throw new InvalidValueError(`compareIntent needs a Topology, got ${describeValue(topology)}`, describeValue(topology), "topology");
  const window = await markerWindow(qemuLog);
  const counts = new Map<string, number>();
  // Distinct writes of the whole log: a bounded set (sender × register values actually used).
  const anywhere = new Set<string>();
  let qemuWrites = 0;
  for await (const e of readTrace(qemuLog, { format: "qemu", topology })) {
    const k = `${String(e.sender)}:${String(e.hi)}:${String(e.lo)}`;
    anywhere.add(k);
    if (e.t < window.from || e.t > window.to) continue;
    qemuWrites++;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let intentWrites = 0;
  let matched = 0;
  let splitIpis = 0;
  let splitIpisInLog = 0;
  let group = -1;
  let groupWrites = 0;
  let groupFound = true;
  const closeGroup = (): void => {
    if (groupWrites > 1) {
      splitIpis++;
      if (groupFound) splitIpisInLog++;
    }
  };
  for await (const e of readTrace(consoleFile, { format: "ftrace", topology })) {
    intentWrites++;
    const k = `${String(e.sender)}:${String(e.hi)}:${String(e.lo)}`;
    const c = counts.get(k) ?? 0;
    if (c > 0) {
      matched++;
      counts.set(k, c - 1);
    }
    if (e.group !== group) {
      closeGroup();
      group = e.group ?? -1;
      groupWrites = 0;
      groupFound = true;
    }
    groupWrites++;
    if (!anywhere.has(k)) groupFound = false;
  }
  closeGroup();
  return { console: consoleFile, window, qemuWrites, intentWrites, matched, onlyInQemu: qemuWrites - matched, onlyInIntent: intentWrites - matched, splitIpis, splitIpisInLog };
}
