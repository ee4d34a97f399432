/**
 * QEMU `-trace` log importer (QEMU's "log" trace backend with `-msg timestamp=on`; the events
 * are declared in QEMU's hw/intc/trace-events). Each line is `<tid>@<sec>.<usec>:<event> <text>`;
 * lines of several vCPU threads interleave, but one thread's lines are in order.
 *
 * - `gicv3_icc_generate_sgi GICv3 CPU i/f 0x<src> generating SGI <n> IRM <0|1> target affinity
 *   0x<aff>xx targetlist 0x<tl>`: one ICC_SGI*R_EL1 write. `src` is the writer's packed affinity
 *   (Aff3:Aff2:Aff1:Aff0, the redistributor's GICR_TYPER affinity); `aff` is Aff3:Aff2:Aff1 with
 *   the Aff0 byte printed as a literal `xx`; RS is not printed (QEMU ignores it), nor which of the
 *   three registers was written (a Linux guest writes ICC_SGI1R_EL1).
 * - `gicv3_redist_send_sgi GICv3 redistributor 0x<dst> pending SGI <n>`: one delivery, logged by
 *   the same thread right after its generate line (only when the target accepts the SGI).
 *
 * A write's deliveries are complete when its thread logs its next line of any event (or at end of
 * input), so pending writes are kept per thread id, in a bounded table (src/trace/thread-table.ts):
 * a write whose thread has not logged while {@link DEFAULT_THREAD_CAPACITY} other threads wrote is
 * finished early, and counted in `threadEvictions`.
 *
 * Speed: `lineBytes` reads a line's header and event name from its bytes; lines of other events
 * are skipped without being decoded, and the two SGI events are read field by field from the
 * bytes. Anything of an unexpected shape goes to the text path (`line`), which gives the errors.
 */
import { decodeSgiInto, newSgiWrite, SgiRegister } from "../arch/sgi-register.ts";
import { TraceParseError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import type { TraceEvent, TraceParser } from "./event.ts";
import { ascii, type ByteHeader, bytesEqual, cursor, scanDec, scanHeader, scanHex, splitHeader } from "./qemu-bytes.ts";
import { sniffLine } from "./sniff.ts";
import { DEFAULT_THREAD_CAPACITY, ThreadTable } from "./thread-table.ts";

/** The QEMU trace events this importer reads. */
export const QEMU_GENERATE_EVENT = "gicv3_icc_generate_sgi";
export const QEMU_SEND_EVENT = "gicv3_redist_send_sgi";

// Lines logged without `-msg timestamp=on` have no thread id; they are taken as one thread.
const BARE = /^(gicv3_[a-z0-9_]+) (.*)$/;
const GENERATE = /^GICv3 CPU i\/f 0x([0-9a-f]{1,8}) generating SGI (\d{1,2}) IRM ([01]) target affinity 0x([0-9a-f]{1,6})xx targetlist 0x([0-9a-f]{1,4})$/;
const SEND = /^GICv3 redistributor 0x([0-9a-f]{1,8}) pending SGI (\d{1,2})$/;
const LOOKS_LIKE_HEADER = /^\d+@\d/;
/** GICv2 events of QEMU's generic GIC (hw/intc/arm_gic.c): such a log is read by src/trace/qemu-gicv2.ts. */
const GICV2_EVENTS = new Set(["gic_dist_write", "gic_cpu_write", "gic_acknowledge_irq"]);

const GENERATE_BYTES = ascii(QEMU_GENERATE_EVENT);
const SEND_BYTES = ascii(QEMU_SEND_EVENT);
const GEN_CPU = ascii(" GICv3 CPU i/f 0x");
const GEN_SGI = ascii(" generating SGI ");
const GEN_IRM = ascii(" IRM ");
const GEN_AFF = ascii(" target affinity 0x");
const GEN_TL = ascii("xx targetlist 0x");
const SEND_RD = ascii(" GICv3 redistributor 0x");
const SEND_SGI = ascii(" pending SGI ");

/** A write waiting for its deliveries: the event itself, handed out once its thread moves on. */
type Pending = TraceEvent & { deliveries: number[] };

/**
 * vCPU id of a packed affinity: through `topology` when given, else QEMU virt's GICv3 layout
 * (vCPU i has Aff1 = i / 16, Aff0 = i % 16), or -1 when the affinity is not one of its vCPUs.
 */
export function qemuVcpuOfAffinity(affinity: number, topology: Topology | undefined): number {
  if (topology !== undefined) return topology.vcpuOf(affinity);
  if (affinity >>> 16 !== 0 || (affinity & 0xff) > 15) return -1;
  return ((affinity >>> 8) & 0xff) * 16 + (affinity & 0xff);
}

/** Whether a line holds data no text trace has (NUL, or bytes that were not UTF-8). */
export function isBinaryLine(text: string): boolean {
  return text.includes("\u0000") || text.includes("\ufffd");
}

/** The QEMU log importer. Without a topology, vCPU ids follow QEMU virt's GICv3 layout. */
export class QemuLogParser implements TraceParser {
  readonly #name: string;
  readonly #topology: Topology | undefined;
  readonly #pending: ThreadTable<Pending>;
  readonly #h: ByteHeader = { tid: 0, t: 0, eventStart: 0, eventEnd: 0 };
  /** A thread known to have no pending write (-2: none); reset whenever a write is stored. */
  #idleTid = -2;
  /** Lines of other events and free text (console output), skipped. */
  otherLines = 0;
  /** Lines of QEMU's GICv2 events (a GICv2 log, which src/trace/qemu-gicv2.ts reads). */
  gicv2Lines = 0;

  constructor(name: string, topology?: Topology, threadCapacity = DEFAULT_THREAD_CAPACITY) {
    this.#name = name;
    this.#topology = topology;
    this.#pending = new ThreadTable(threadCapacity);
  }

  /** Writes finished early because the table of threads was full. */
  get threadEvictions(): number {
    return this.#pending.evictions;
  }

  /**
   * Reads one line from its bytes `buf[s..e)` (no LF); the same result as `line` on its text.
   * The caller has checked the bytes are UTF-8 without NUL.
   */
  lineBytes(buf: Buffer, s: number, e: number, line: number, out: TraceEvent[]): void {
    const h = this.#h;
    if (!scanHeader(buf, s, e, h)) {
      if (e > s) this.line(buf.toString("utf8", s, e), line, out);
      return;
    }
    const len = h.eventEnd - h.eventStart;
    if (len === SEND_BYTES.length && bytesEqual(buf, h.eventStart, e, SEND_BYTES)) {
      if (!this.#sendBytes(buf, h.eventEnd, e, h.tid)) this.line(buf.toString("utf8", s, e), line, out);
      return;
    }
    if (len === GENERATE_BYTES.length && bytesEqual(buf, h.eventStart, e, GENERATE_BYTES)) {
      if (!this.#generateBytes(buf, h.eventEnd, e, h, line, out)) this.line(buf.toString("utf8", s, e), line, out);
      return;
    }
    // Runs of lines from one thread (console bytes) skip the table once the thread has nothing pending.
    if (h.tid !== this.#idleTid) {
      const prev = this.#pending.get(h.tid);
      if (prev !== undefined) {
        this.#pending.delete(h.tid);
        out.push(this.#finish(prev));
      }
      this.#idleTid = h.tid;
    }
    if (len >= 13 && len <= 19 && buf[h.eventStart + 3] === 95 && GICV2_EVENTS.has(buf.toString("latin1", h.eventStart, h.eventEnd))) this.gicv2Lines++;
    this.otherLines++;
  }

  #generateBytes(buf: Buffer, at: number, e: number, h: ByteHeader, line: number, out: TraceEvent[]): boolean {
    if (!bytesEqual(buf, at, e, GEN_CPU)) return false;
    const src = scanHex(buf, at + GEN_CPU.length, e, 8);
    if (src < 0 || !bytesEqual(buf, cursor.at, e, GEN_SGI)) return false;
    const intid = scanDec(buf, cursor.at + GEN_SGI.length, e, 2);
    if (intid < 0 || intid > 15 || !bytesEqual(buf, cursor.at, e, GEN_IRM)) return false;
    const irmAt = cursor.at + GEN_IRM.length;
    const irm = buf[irmAt]! - 48;
    if (irm !== 0 && irm !== 1) return false;
    if (!bytesEqual(buf, irmAt + 1, e, GEN_AFF)) return false;
    const aff = scanHex(buf, irmAt + 1 + GEN_AFF.length, e, 6);
    if (aff < 0 || !bytesEqual(buf, cursor.at, e, GEN_TL)) return false;
    const targetList = scanHex(buf, cursor.at + GEN_TL.length, e, 4);
    if (targetList < 0 || cursor.at !== e) return false;
    const sender = qemuVcpuOfAffinity(src, this.#topology);
    if (sender < 0) return false;
    // The new write replaces the thread's previous one in place (#store), which is finished here.
    const prev = this.#pending.get(h.tid);
    if (prev !== undefined) out.push(this.#finish(prev));
    this.#store(h.tid, h.t, sender, intid, irm, aff, targetList, line, out);
    return true;
  }

  #sendBytes(buf: Buffer, at: number, e: number, tid: number): boolean {
    if (!bytesEqual(buf, at, e, SEND_RD)) return false;
    const dstAff = scanHex(buf, at + SEND_RD.length, e, 8);
    if (dstAff < 0 || !bytesEqual(buf, cursor.at, e, SEND_SGI)) return false;
    const intid = scanDec(buf, cursor.at + SEND_SGI.length, e, 2);
    if (intid < 0 || cursor.at !== e) return false;
    const p = this.#pending.get(tid);
    if (p === undefined || intid !== p.write.intid) return false;
    const dst = qemuVcpuOfAffinity(dstAff, this.#topology);
    if (dst < 0) return false;
    p.deliveries.push(dst);
    return true;
  }

  line(text: string, line: number, out: TraceEvent[]): void {
    if (text === "") return;
    let tid: number;
    let t: number;
    let event: string;
    let msg: string;
    const h = splitHeader(text);
    if (h !== undefined) {
      tid = h.tid;
      t = h.t;
      event = h.event;
      msg = h.msg;
    } else {
      const b = BARE.exec(text);
      if (b === null) {
        if (isBinaryLine(text)) throw this.#error("binary data in a text trace", line, text);
        if (text.includes(QEMU_GENERATE_EVENT) || text.includes(QEMU_SEND_EVENT) || LOOKS_LIKE_HEADER.test(text)) {
          throw this.#error("malformed QEMU trace line (cut or garbled)", line, text);
        }
        const f = sniffLine(text);
        if (f !== undefined) throw this.#error(`mixed formats: this is a ${f} line in a qemu trace (the first line of the second format)`, line, text);
        this.otherLines++;
        return;
      }
      tid = -1;
      t = 0;
      event = b[1]!;
      msg = b[2]!;
    }
    if (event === QEMU_SEND_EVENT) {
      this.#send(tid, msg, line, text);
      return;
    }
    // Any other line of this thread closes its previous write.
    const prev = this.#pending.get(tid);
    if (prev !== undefined) {
      this.#pending.delete(tid);
      out.push(this.#finish(prev));
    }
    if (event === QEMU_GENERATE_EVENT) {
      this.#generate(tid, t, msg, line, text, out);
      return;
    }
    if (isBinaryLine(text)) throw this.#error("binary data in a text trace", line, text);
    if (GICV2_EVENTS.has(event)) this.gicv2Lines++;
    this.otherLines++;
  }

  end(out: TraceEvent[]): void {
    const rest = this.#pending.drain().sort((a, b) => a.line - b.line);
    for (const p of rest) out.push(this.#finish(p));
  }

  #generate(tid: number, t: number, msg: string, line: number, text: string, out: TraceEvent[]): void {
    const m = GENERATE.exec(msg);
    if (m === null) throw this.#error(`malformed ${QEMU_GENERATE_EVENT} line`, line, text);
    const src = Number.parseInt(m[1]!, 16);
    const intid = Number(m[2]);
    const irm = Number(m[3]);
    const aff = Number.parseInt(m[4]!, 16);
    const targetList = Number.parseInt(m[5]!, 16);
    if (intid > 15) throw this.#error(`SGI ${String(intid)} is not an SGI (0..15)`, line, text);
    const sender = qemuVcpuOfAffinity(src, this.#topology);
    if (sender < 0) throw this.#error(this.#unknownAffinity(src, "sender"), line, text);
    this.#store(tid, t, sender, intid, irm, aff, targetList, line, out);
  }

  #store(tid: number, t: number, sender: number, intid: number, irm: number, aff: number, targetList: number, line: number, out: TraceEvent[]): void {
    // ICC_SGI1R_EL1: lo = Aff1[23:16] | INTID[27:24] | TargetList[15:0]; hi = Aff3[55:48] | IRM[40] | Aff2[39:32].
    const lo = (targetList | ((aff & 0xff) << 16) | (intid << 24)) >>> 0;
    const hi = (((aff >>> 8) & 0xff) | (irm << 8) | (((aff >>> 16) & 0xff) << 16)) >>> 0;
    this.#idleTid = -2;
    const write = newSgiWrite();
    decodeSgiInto(write, hi, lo, SgiRegister.SGI1R);
    // The shape makeEvent gives (src/trace/event.ts), deliveries included from the start.
    const e: Pending = { t, sender, register: SgiRegister.SGI1R, hi, lo, write, line, deliveries: [] };
    const evicted = this.#pending.set(tid, e);
    if (evicted !== undefined) out.push(this.#finish(evicted));
  }

  #send(tid: number, msg: string, line: number, text: string): void {
    const m = SEND.exec(msg);
    if (m === null) throw this.#error(`malformed ${QEMU_SEND_EVENT} line`, line, text);
    const p = this.#pending.get(tid);
    if (p === undefined) throw this.#error(`delivery with no ${QEMU_GENERATE_EVENT} line before it on thread ${String(tid)}`, line, text);
    const intid = Number(m[2]);
    if (intid !== p.write.intid) throw this.#error(`delivery of SGI ${String(intid)} right after a write of SGI ${String(p.write.intid)} (line ${String(p.line)})`, line, text);
    const dst = qemuVcpuOfAffinity(Number.parseInt(m[1]!, 16), this.#topology);
    if (dst < 0) throw this.#error(this.#unknownAffinity(Number.parseInt(m[1]!, 16), "redistributor"), line, text);
    p.deliveries.push(dst);
  }

  #finish(p: Pending): TraceEvent {
    if (p.deliveries.length > 1) p.deliveries.sort((a, b) => a - b);
    return p;
  }

  #unknownAffinity(aff: number, what: string): string {
    const where = this.#topology === undefined ? "the QEMU virt GICv3 layout (Aff1 = i / 16, Aff0 = i % 16); pass a topology" : `topology ${this.#topology.name}`;
    return `${what} affinity 0x${aff.toString(16)} is not a vCPU of ${where}`;
  }

  #error(message: string, line: number, text: string): TraceParseError {
    return new TraceParseError(message, this.#name, line, text);
  }
}
