/** Telling a trace's format from one of its lines. */
import type { TraceFormat } from "./event.ts";

const QEMU_HEADER = /^\d+@\d+\.\d+:[A-Za-z0-9_]+/;

/**
 * The format a line betrays, or undefined when it says nothing (blank lines, console text).
 */
export function sniffLine(text: string): TraceFormat | undefined {
  const s = text.trimStart();
  if (s === "") return undefined;
  if (s.startsWith("{")) return "jsonl";
  if (QEMU_HEADER.test(s) || /^gicv3_[a-z0-9_]+ GICv3 /.test(s)) return "qemu";
  if (s.includes("ipi_raise:") || s.startsWith("# tracer:") || /^@@K \S+ \d+ \d+\.\d+ /.test(s)) return "ftrace";
  return undefined;
}
