/**
 * GICv2 QEMU logs: QEMU's generic GIC model (hw/intc/arm_gic.c, trace events in
 * hw/intc/trace-events, read in QEMU 7.2) logs, with `-msg timestamp=on`:
 *
 * - `gic_dist_write dist write at 0x<offset> size <n>: 0x<value>`: a distributor write; at offset
 *   0xf00 it is GICD_SGIR. The line does not say which CPU wrote: the writer is the CPU whose
 *   thread logged it, which `gic_cpu_write cpu <N> …` and `gic_acknowledge_irq cpu <N> …` lines
 *   of the same thread name (under TCG each vCPU has its own thread; a thread's CPU is kept in a
 *   bounded table, see src/trace/thread-table.ts).
 * - `gic_acknowledge_irq cpu <N> acknowledged irq <I>`: CPU N read GICC_IAR and got INTID I (1023:
 *   nothing pending).
 * - `gic_cpu_write cpu <N> iface write at 0x<offset> 0x<value>`: a CPU interface write; at 0x10 it
 *   is GICC_EOIR, whose bits 12:10 name the SGI's source CPU.
 *
 * `replayGicv2` feeds these in log order to a GICv2 `VirtualGic` (per-source pending state) and
 * checks QEMU against it: every acknowledged SGI must be pending in the model, the EOI must name
 * the source the model acknowledged (the lowest pending source, as QEMU's gic_acknowledge_irq
 * picks), and at the end no SGI may be left pending in the model that QEMU never acknowledged.
 */
import { checkText, TraceParseError } from "../errors.ts";
import { decodeGicdSgirLo, GICV2_MAX_CPUS, gicdSgirTargetMask, TargetListFilter } from "../arch/gicd-sgir.ts";
import { SgiRegister } from "../arch/sgi-register.ts";
import { VirtualGic } from "../gic.ts";
import { presetTopology } from "../topology/index.ts";
import { makeEvent, microseconds } from "./event.ts";
import { lineText, openTraceStream, readLineChunks } from "./lines.ts";
import { type TraceStats, TraceStatsAccumulator } from "./stats.ts";
import { ThreadTable } from "./thread-table.ts";

/** One GICv2 record of a QEMU log. */
export type Gicv2Record =
  | { readonly kind: "sgir"; readonly line: number; readonly t: number; readonly sender: number; readonly value: number }
  | { readonly kind: "ack"; readonly line: number; readonly cpu: number; readonly intid: number }
  | { readonly kind: "eoi"; readonly line: number; readonly cpu: number; readonly value: number };

const HEADER = /^(\d{1,10})@(\d+)\.(\d+):(gic_dist_write|gic_cpu_write|gic_acknowledge_irq) (.*)$/;
const DIST = /^dist write at 0x([0-9a-f]{1,8}) size (\d+): 0x([0-9a-f]{1,8})$/;
const CPU = /^(v?cpu) (\d{1,3}) iface write at 0x([0-9a-f]{1,8}) 0x([0-9a-f]{1,8})$/;
const ACK = /^(v?cpu) (\d{1,3}) acknowledged irq (\d{1,4})$/;

/** GICD_SGIR's offset in the distributor, GICC_EOIR's in the CPU interface. */
export const GICD_SGIR_OFFSET = 0xf00;
export const GICC_EOIR_OFFSET = 0x10;

/** Reads the GICv2 records of a QEMU log's lines, keeping which CPU each thread is. */
export class QemuGicv2Parser {
  readonly #name: string;
  readonly #cpuOf = new ThreadTable<number>();
  /** Highest CPU number seen. */
  maxCpu = -1;
  otherLines = 0;

  constructor(name: string) {
    this.#name = name;
  }

  get threadEvictions(): number {
    return this.#cpuOf.evictions;
  }

  line(text: string, line: number, out: Gicv2Record[]): void {
    const h = HEADER.exec(text);
    if (h === null) {
      this.otherLines++;
      return;
    }
    const tid = Number(h[1]);
    const msg = h[5]!;
    switch (h[4]) {
      case "gic_dist_write": {
        const m = DIST.exec(msg);
        if (m === null) throw new TraceParseError("malformed gic_dist_write line", this.#name, line, text);
        if (Number.parseInt(m[1]!, 16) !== GICD_SGIR_OFFSET || m[2] !== "4") {
          this.otherLines++;
          return;
        }
        const sender = this.#cpuOf.get(tid);
        if (sender === undefined) throw new TraceParseError(`GICD_SGIR write on thread ${String(tid)} before any gic_cpu_write or gic_acknowledge_irq line of that thread says which CPU it is`, this.#name, line, text);
        out.push({ kind: "sgir", line, t: microseconds(h[2]!, h[3]!), sender, value: Number.parseInt(m[3]!, 16) });
        return;
      }
      case "gic_cpu_write": {
        const m = CPU.exec(msg);
        if (m === null) throw new TraceParseError("malformed gic_cpu_write line", this.#name, line, text);
        if (m[1] === "vcpu") {
          this.otherLines++;
          return;
        }
        const cpu = this.#cpu(tid, m[2]!, line, text);
        if (Number.parseInt(m[3]!, 16) === GICC_EOIR_OFFSET) out.push({ kind: "eoi", line, cpu, value: Number.parseInt(m[4]!, 16) });
        return;
      }
      default: {
        const m = ACK.exec(msg);
        if (m === null) throw new TraceParseError("malformed gic_acknowledge_irq line", this.#name, line, text);
        if (m[1] === "vcpu") {
          this.otherLines++;
          return;
        }
        const cpu = this.#cpu(tid, m[2]!, line, text);
        out.push({ kind: "ack", line, cpu, intid: Number(m[3]) });
      }
    }
  }

  #cpu(tid: number, text: string, line: number, full: string): number {
    const cpu = Number(text);
    if (cpu >= GICV2_MAX_CPUS) throw new TraceParseError(`CPU ${text}: a GICv2 has CPU interfaces 0..${String(GICV2_MAX_CPUS - 1)}`, this.#name, line, full);
    if (this.#cpuOf.get(tid) !== cpu) this.#cpuOf.set(tid, cpu);
    if (cpu > this.maxCpu) this.maxCpu = cpu;
    return cpu;
  }
}

/** A disagreement between QEMU and the model. */
export interface Gicv2Mismatch {
  readonly line: number;
  readonly message: string;
}

/** The result of {@link replayGicv2}. */
export interface Gicv2Replay {
  readonly trace: string;
  readonly cpus: number;
  readonly lines: number;
  /** GICD_SGIR writes replayed. */
  readonly writes: number;
  /** CPUs the model made the writes reach (coalesced ones included). */
  readonly modelDeliveries: number;
  /** Of those, deliveries to a CPU where the SGI was already pending from the same source. */
  readonly coalesced: number;
  /** SGIs QEMU acknowledged (GICC_IAR reads that returned an SGI). */
  readonly acknowledged: number;
  /** EOIs of SGIs whose source bits were checked. */
  readonly eoisChecked: number;
  /** (CPU, source, SGI) left pending in the model that QEMU never acknowledged. */
  readonly pendingAtEnd: number;
  readonly mismatches: number;
  readonly firstMismatch: Gicv2Mismatch | null;
  readonly threadEvictions: number;
  /** Lines of other events or free text. */
  readonly otherLines: number;
  /**
   * The writes' shape, as for GICv3 traces: each GICD_SGIR write counted as the ICC_SGI1R_EL1 write
   * with the same targets (TargetListFilter 1 as IRM), one IPI per write.
   */
  readonly stats: TraceStats;
}

async function* records(path: string, parser: QemuGicv2Parser): AsyncGenerator<Gicv2Record[]> {
  for await (const c of readLineChunks(await openTraceStream(path), path)) {
    const out: Gicv2Record[] = [];
    for (let i = 0; i < c.count; i++) parser.line(lineText(c, i), c.first + i, out);
    if (out.length > 0) yield out;
  }
}

function addStats(stats: TraceStatsAccumulator, r: Extract<Gicv2Record, { kind: "sgir" }>, n: number, index: number): void {
  const w = decodeGicdSgirLo(r.value);
  const mask = gicdSgirTargetMask(w, r.sender, n);
  if (mask < 0) return;
  const targets: number[] = [];
  for (let c = 0; c < n; c++) if (((mask >>> c) & 1) === 1) targets.push(c);
  const irm = w.targetListFilter === TargetListFilter.ALL_BUT_SELF ? 1 : 0;
  // The same targets as ICC_SGI1R_EL1 on QEMU virt (CPUs 0..7 are Aff1 0, Aff0 = CPU number).
  stats.add(makeEvent(r.t, r.sender, SgiRegister.SGI1R, irm << 8, ((w.sgiIntid << 24) | (irm === 1 ? 0 : mask)) >>> 0, r.line, undefined, index), targets);
}

/**
 * Replays a GICv2 QEMU log through `VirtualGic`'s GICv2 path with the oracle described above.
 * @param cpus the VM's CPUs (default: the highest CPU the log names + 1).
 */
export async function replayGicv2(path: string, cpus?: number): Promise<Gicv2Replay> {
  checkText(path, "trace path");
  let n = cpus;
  if (n === undefined) {
    const scan = new QemuGicv2Parser(path);
    for await (const _ of records(path, scan)) {
      // The first pass only learns the CPU count.
    }
    n = Math.max(1, scan.maxCpu + 1);
  }
  const topology = presetTopology(`qemu:${String(n)}`);
  const gic = new VirtualGic({ topology, gicVersion: 2 });
  const stats = new TraceStatsAccumulator(topology);
  // Equal priorities: QEMU says which SGI it acknowledged; the model is made to pick that one.
  for (let c = 0; c < n; c++) for (let i = 0; i < 16; i++) gic.configureSgi(c, i, { priority: 0x80 });
  const parser = new QemuGicv2Parser(path);
  const acked: (number | undefined)[] = new Array<number | undefined>(n * 16);
  let writes = 0;
  let modelDeliveries = 0;
  let acknowledged = 0;
  let eoisChecked = 0;
  let mismatches = 0;
  let firstMismatch: Gicv2Mismatch | null = null;
  let lines = 0;
  const bad = (line: number, message: string): void => {
    mismatches++;
    firstMismatch ??= { line, message };
  };
  for await (const batch of records(path, parser)) {
    for (const r of batch) {
      lines = r.line;
      if (r.kind === "sgir") {
        writes++;
        modelDeliveries += gic.writeGicdSgir(r.sender, r.value);
        addStats(stats, r, n, writes);
      } else if (r.kind === "ack") {
        if (r.intid >= 16) continue;
        acknowledged++;
        if (!gic.isPending(r.cpu, r.intid)) {
          bad(r.line, `CPU ${String(r.cpu)} acknowledged SGI ${String(r.intid)}, which no GICD_SGIR write made pending`);
          continue;
        }
        gic.configureSgi(r.cpu, r.intid, { priority: 0 });
        const iar = gic.acknowledge(r.cpu);
        gic.configureSgi(r.cpu, r.intid, { priority: 0x80 });
        acked[r.cpu * 16 + r.intid] = iar;
      } else {
        const intid = r.value & 0x3ff;
        if (intid >= 16) continue;
        const iar = acked[r.cpu * 16 + intid];
        if (iar === undefined) continue;
        eoisChecked++;
        if (iar >>> 10 !== ((r.value >>> 10) & 7)) {
          bad(r.line, `CPU ${String(r.cpu)} EOIs SGI ${String(intid)} from CPU ${String((r.value >>> 10) & 7)}, but the model's lowest pending source was CPU ${String(iar >>> 10)}`);
        }
        gic.eoi(r.cpu, iar);
        acked[r.cpu * 16 + intid] = undefined;
      }
    }
  }
  let pendingAtEnd = 0;
  for (let k = 0; k < n * 16; k++) {
    let src = gic.state.sources[k]!;
    for (; src !== 0; src &= src - 1) pendingAtEnd++;
  }
  if (pendingAtEnd > 0) bad(lines, `${String(pendingAtEnd)} SGIs pending in the model were never acknowledged by QEMU`);
  return { trace: path, cpus: n, lines, writes, modelDeliveries, coalesced: gic.state.coalesced, acknowledged, eoisChecked, pendingAtEnd, mismatches, firstMismatch, threadEvictions: parser.threadEvictions, otherLines: parser.otherLines, stats: stats.finish() };
}
