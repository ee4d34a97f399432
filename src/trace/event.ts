/**
 * The event every trace importer yields: one SGI generation register write by one vCPU, with
 * the deliveries the traced system made for it when the trace records them.
 */
import { decodeSgiInto, newSgiWrite, type SgiRegister, type SgiWrite } from "../arch/sgi-register.ts";

/** One register write from a trace. */
export interface TraceEvent {
  /** Time in microseconds, as the trace gives it (QEMU: host wall clock; ftrace: guest clock). */
  t: number;
  /** The writing vCPU (id in the replay topology). */
  sender: number;
  register: SgiRegister;
  /** Bits 63:32 of the value written. */
  hi: number;
  /** Bits 31:0 of the value written. */
  lo: number;
  /** The decoded write (a fresh object per event). */
  write: SgiWrite;
  /** vCPUs the traced system delivered this write to, ascending; absent when not recorded. */
  deliveries?: readonly number[];
  /** 1-based line of the trace that holds the write. */
  line: number;
  /**
   * Writes that came from one guest IPI share a group number (ftrace: one `ipi_raise` split into
   * one write per cluster); absent when the trace does not say.
   */
  group?: number;
}

/** The trace formats vsgi reads. */
export const TRACE_FORMATS = ["qemu", "ftrace", "jsonl"] as const;
/** A trace file format vsgi reads: one of `TRACE_FORMATS`. */
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** A line-oriented importer: fed every line in order, it appends finished events to `out`. */
export interface TraceParser {
  /**
   * Reads one line. Lines of other events and free text are skipped.
   * @throws TraceParseError when the line is a malformed line of an event this format knows.
   */
  line(text: string, line: number, out: TraceEvent[]): void;
  /** End of input: appends events still waiting (e.g. a write whose deliveries were last). */
  end(out: TraceEvent[]): void;
}

/** Builds an event, decoding the write into a fresh object. */
export function makeEvent(
  t: number,
  sender: number,
  register: SgiRegister,
  hi: number,
  lo: number,
  line: number,
  deliveries?: readonly number[],
  group?: number,
): TraceEvent {
  const write = newSgiWrite();
  decodeSgiInto(write, hi, lo, register);
  const e: TraceEvent = { t, sender, register, hi: hi >>> 0, lo: lo >>> 0, write, line };
  if (deliveries !== undefined) e.deliveries = deliveries;
  if (group !== undefined) e.group = group;
  return e;
}

/** `<seconds>.<fraction>` as whole microseconds (exact below 2^53 µs, about 285 years). */
export function microseconds(sec: string, frac: string): number {
  const f = frac.length >= 6 ? frac.slice(0, 6) : frac.padEnd(6, "0");
  return Number(sec) * 1e6 + Number(f);
}
