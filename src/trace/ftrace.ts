/**
 * Linux ftrace `ipi_raise` importer (include/trace/events/ipi.h: `target_mask=%s (%s)` with the
 * cpumask printed as comma-separated 32-bit hex words, most significant first). A raw trace line:
 *
 *   `<task>-<pid> [<cpu>] <flags> <sec>.<usec>: ipi_raise: target_mask=00000000,0000000a (Function call interrupts)`
 *
 * Also read: raw lines copied to a console behind `@@F ` (vsgi capture --ipi-raise), and the
 * condensed dump `@@K <workload> <cpu> <sec>.<usec> <mask> <reason>` of fixtures/shared (copied from the project's ../shared/fixtures).
 *
 * Each IPI becomes the ICC_SGI1R_EL1 writes a Linux GICv3 guest makes for it (one per run of
 * consecutive CPUs in one cluster, src/workload/linux-gicv3.ts), all sharing one `group`.
 * The INTID is the IPI number: Linux arm64 maps IPI n to SGI n, and names them in the reason.
 */
import { SgiRegister } from "../arch/sgi-register.ts";
import { TraceParseError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import { linuxSgi1rWrites } from "../workload/linux-gicv3.ts";
import { makeEvent, microseconds, type TraceEvent, type TraceParser } from "./event.ts";
import { isBinaryLine } from "./qemu-log.ts";

/**
 * Reason string → IPI number (= SGI INTID) of arm64 Linux (arch/arm64/kernel/smp.c ipi_types):
 * 0..5 are stable; 6 is "CPU wake-up" up to 6.6, "CPU backtrace" from 6.7, which adds 7 "KGDB roundup".
 */
export const LINUX_IPI_REASONS: Readonly<Record<string, number>> = {
  "Rescheduling interrupts": 0,
  "Function call interrupts": 1,
  "CPU stop interrupts": 2,
  "CPU stop (for crash dump) interrupts": 3,
  "Timer broadcast interrupts": 4,
  "IRQ work interrupts": 5,
  "CPU wake-up interrupts": 6,
  "CPU backtrace interrupts": 6,
  "KGDB roundup interrupts": 7,
};

const RAW = /^\s*(.+?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+)\.(\d+):\s+ipi_raise:\s+target_mask=([0-9a-fA-F,]+)\s+\((.*)\)\s*$/;
const CONDENSED = /^@@K (\S+) (\d+) (\d+)\.(\d+) ([0-9a-fA-F,]+) (.+?)\s*$/;
// The capture guest's dump header: `@@K <workload> lines=<n> shown<=<m>`.
const CONDENSED_HEADER = /^@@K \S+ lines=/;

/**
 * CPUs of a Linux cpumask printed by `%*pb` (comma-separated 32-bit words, most significant
 * first), ascending; `undefined` when the text is not such a mask.
 */
export function parseCpumask(text: string): number[] | undefined {
  const words = text.split(",");
  const cpus: number[] = [];
  for (let i = words.length - 1, base = 0; i >= 0; i--, base += 32) {
    const w = words[i]!;
    if (!/^[0-9a-fA-F]{1,8}$/.test(w)) return undefined;
    const v = Number.parseInt(w, 16);
    for (let b = 0; b < 32; b++) if ((v >>> b) & 1) cpus.push(base + b);
  }
  return cpus;
}

/** One parsed `ipi_raise` record, before it is split into writes. */
export interface IpiRaise {
  readonly t: number;
  readonly cpu: number;
  readonly cpus: number[];
  readonly intid: number;
}

/** The ftrace importer. Needs the topology to split cpumasks into writes. */
export class FtraceParser implements TraceParser {
  readonly #name: string;
  readonly #topology: Topology | undefined;
  #group = 0;
  /** Largest CPU number seen (sender or target), for a default topology; -1 before any. */
  maxCpu = -1;
  /** Lines of other events, comments and free text, skipped. */
  otherLines = 0;

  /** Without `topology` the parser only scans (`maxCpu`) and emits nothing. */
  constructor(name: string, topology?: Topology) {
    this.#name = name;
    this.#topology = topology;
  }

  line(text: string, line: number, out: TraceEvent[]): void {
    const r = this.parseLine(text, line);
    if (r === undefined) return;
    for (const c of [r.cpu, ...r.cpus]) if (c > this.maxCpu) this.maxCpu = c;
    const topology = this.#topology;
    if (topology === undefined) return;
    if (r.cpu >= topology.count) throw new TraceParseError(`sending CPU ${String(r.cpu)} is not a vCPU of topology ${topology.name}`, this.#name, line, text);
    const last = r.cpus[r.cpus.length - 1]!;
    if (last >= topology.count) throw new TraceParseError(`target CPU ${String(last)} is not a vCPU of topology ${topology.name}`, this.#name, line, text);
    const group = this.#group++;
    for (const { hi, lo } of linuxSgi1rWrites(topology, r.cpus, r.intid)) out.push(makeEvent(r.t, r.cpu, SgiRegister.SGI1R, hi, lo, line, undefined, group));
  }

  end(_out: TraceEvent[]): void {}

  /**
   * Parses one line: an `ipi_raise` record, or `undefined` for lines of other events and text.
   * @throws TraceParseError on a malformed `ipi_raise` line.
   */
  parseLine(text: string, line: number): IpiRaise | undefined {
    let m: RegExpExecArray | null;
    let cpu: number;
    let t: number;
    let mask: string;
    let reason: string;
    // The capture guest prefixes raw trace lines it copies to its console with `@@F `.
    if (text.startsWith("@@F ")) text = text.slice(4);
    if (text.includes("ipi_raise:")) {
      m = RAW.exec(text);
      if (m === null) throw new TraceParseError("malformed ipi_raise line", this.#name, line, text);
      cpu = Number(m[3]);
      t = microseconds(m[4]!, m[5]!);
      mask = m[6]!;
      reason = m[7]!;
    } else if (text.startsWith("@@K ")) {
      if (CONDENSED_HEADER.test(text)) {
        this.otherLines++;
        return undefined;
      }
      m = CONDENSED.exec(text);
      if (m === null) throw new TraceParseError("malformed @@K ipi_raise line", this.#name, line, text);
      cpu = Number(m[2]);
      t = microseconds(m[3]!, m[4]!);
      mask = m[5]!;
      reason = m[6]!;
    } else {
      if (isBinaryLine(text)) throw new TraceParseError("binary data in a text trace", this.#name, line, text);
      this.otherLines++;
      return undefined;
    }
    const intid = LINUX_IPI_REASONS[reason];
    if (intid === undefined) throw new TraceParseError(`unknown IPI reason "${reason}"`, this.#name, line, text);
    const cpus = parseCpumask(mask);
    if (cpus === undefined) throw new TraceParseError(`malformed target_mask "${mask}"`, this.#name, line, text);
    if (cpus.length === 0) throw new TraceParseError("empty target_mask", this.#name, line, text);
    return { t, cpu, cpus, intid };
  }
}
