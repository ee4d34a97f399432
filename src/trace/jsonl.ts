/**
 * vsgi's own trace format, JSON Lines (one JSON object per line, UTF-8, LF; gzip allowed):
 *
 * - optional first line, the header:
 *   `{"format":"vsgi-trace","version":1,"topology":{"name":"qemu:4","rss":false,"mpidrs":["0x0","0x1","0x2","0x3"]},"source":"…"}`
 *   (`topology` may also be a preset string such as `"kvm:64"`; it is the replay default);
 * - then one line per register write:
 *   `{"t":1795570343089442,"sender":1,"register":"sgi1r","value":"0x1000001","deliveries":[0],"group":7}`
 *   `t` microseconds (number); `sender` vCPU id; `register` one of sgi1r, sgi0r, asgi1r (default
 *   sgi1r); `value` the 64-bit register value in hex; `deliveries` (optional) the vCPUs the traced
 *   system delivered to; `group` (optional) shared by the writes of one guest IPI.
 *
 * Blank lines are skipped. An unknown header field is an error; other keys of an event line are
 * ignored, so later versions can add fields. A key given twice is an error in any line.
 */
import { SGI_REGISTER_NAMES, type SgiRegister } from "../arch/sgi-register.ts";
import { checkObject, checkText, describeValue, InvalidValueError, TraceParseError } from "../errors.ts";
import { parseJsonStrict } from "../json.ts";
import { parseTopologyJson, presetTopology } from "../topology/index.ts";
import { Topology } from "../topology/topology.ts";
import { makeEvent, type TraceEvent, type TraceParser } from "./event.ts";

/** The header's `format` value. */
export const JSONL_FORMAT_NAME = "vsgi-trace";
/** The version this code writes and reads. */
export const JSONL_VERSION = 1;

/** The header's fields; any other is refused, so a typo or a smuggled key never goes unnoticed. */
const HEADER_KEYS: readonly string[] = ["format", "version", "topology", "source"];

const HEX64 = /^0[xX]([0-9a-fA-F]{1,16})$/;

/** The JSONL header line for a trace of `topology` (no trailing LF). */
export function formatJsonlHeader(topology: Topology, source: string): string {
  if (!(topology instanceof Topology)) throw new InvalidValueError(`formatJsonlHeader needs a Topology, got ${describeValue(topology)}`, describeValue(topology), "topology");
  checkText(source, "JSONL source");
  const mpidrs = Array.from({ length: topology.count }, (_, v) => `0x${topology.mpidrOf(v).toString(16)}`);
  return JSON.stringify({ format: JSONL_FORMAT_NAME, version: JSONL_VERSION, topology: { name: topology.name, rss: topology.rss, mpidrs }, source });
}

/** One event as a JSONL line (no trailing LF). */
export function formatJsonlEvent(e: TraceEvent): string {
  checkObject(e, "trace event");
  for (const k of ["t", "sender", "register", "hi", "lo"] as const) {
    if (typeof e[k] !== "number") throw new InvalidValueError(`trace event field ${k} must be a number, got ${describeValue(e[k])}`, describeValue(e[k]), k);
  }
  const value = e.hi === 0 ? `0x${e.lo.toString(16)}` : `0x${e.hi.toString(16)}${e.lo.toString(16).padStart(8, "0")}`;
  const o: Record<string, unknown> = { t: e.t, sender: e.sender, register: SGI_REGISTER_NAMES[e.register], value };
  if (e.deliveries !== undefined) o.deliveries = e.deliveries;
  if (e.group !== undefined) o.group = e.group;
  return JSON.stringify(o);
}

/** The JSONL importer. */
export class JsonlParser implements TraceParser {
  readonly #name: string;
  #topology: Topology | undefined;
  #first = true;
  /** The topology named by the header, if any. */
  headerTopology: Topology | undefined;
  /** Largest vCPU id seen (sender or delivery), for a default topology; -1 before any. */
  maxVcpu = -1;

  /** `topology`, when given, bounds sender and delivery ids. */
  constructor(name: string, topology?: Topology) {
    this.#name = name;
    this.#topology = topology;
  }

  line(text: string, line: number, out: TraceEvent[]): void {
    if (text.trim() === "") return;
    let o: unknown;
    try {
      // Prototype-free objects, duplicate keys refused, depth and size bounded (src/json.ts).
      o = parseJsonStrict(text, "", InvalidValueError);
    } catch (e) {
      throw this.#error(e instanceof Error ? e.message : String(e), line, text);
    }
    if (typeof o !== "object" || o === null || Array.isArray(o)) throw this.#error("a JSONL trace line must be a JSON object", line, text);
    const r = o as Record<string, unknown>;
    const first = this.#first;
    this.#first = false;
    if (first && "format" in r) {
      this.#header(r, line, text);
      return;
    }
    out.push(this.#event(r, line, text));
  }

  end(_out: TraceEvent[]): void {}

  #header(r: Record<string, unknown>, line: number, text: string): void {
    const unknown = Object.keys(r).filter((k) => !HEADER_KEYS.includes(k));
    if (unknown.length > 0) throw this.#error(`unknown header field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")} (expected ${HEADER_KEYS.join(", ")})`, line, text);
    if (r.format !== JSONL_FORMAT_NAME) throw this.#error(`header format must be "${JSONL_FORMAT_NAME}"`, line, text);
    if (r.version !== JSONL_VERSION) throw this.#error(`unsupported version ${JSON.stringify(r.version)} (this vsgi reads ${String(JSONL_VERSION)})`, line, text);
    const topo = r.topology;
    if (topo === undefined) return;
    try {
      this.headerTopology = typeof topo === "string" ? presetTopology(topo) : parseTopologyJson(JSON.stringify(topo), `${this.#name} header topology`);
    } catch (e) {
      throw this.#error(`bad header topology: ${e instanceof Error ? e.message : String(e)}`, line, text);
    }
    this.#topology ??= this.headerTopology;
  }

  #event(r: Record<string, unknown>, line: number, text: string): TraceEvent {
    const { t, sender, register = "sgi1r", value, deliveries, group } = r;
    if (typeof t !== "number" || !Number.isFinite(t)) throw this.#error('"t" must be a number (microseconds)', line, text);
    const count = this.#topology?.count ?? Number.MAX_SAFE_INTEGER;
    if (!isId(sender, count)) throw this.#error(`"sender" must be a vCPU id${this.#bound()}`, line, text);
    const reg = typeof register === "string" ? (SGI_REGISTER_NAMES as readonly string[]).indexOf(register) : -1;
    if (reg < 0) throw this.#error(`"register" must be one of ${SGI_REGISTER_NAMES.join(", ")}`, line, text);
    const m = typeof value === "string" ? HEX64.exec(value) : null;
    if (m === null) throw this.#error('"value" must be the 64-bit register value as 0x-prefixed hex text', line, text);
    const hex = m[1]!.padStart(16, "0");
    const hi = Number.parseInt(hex.slice(0, 8), 16);
    const lo = Number.parseInt(hex.slice(8), 16);
    let d: number[] | undefined;
    if (deliveries !== undefined) {
      if (!Array.isArray(deliveries) || !deliveries.every((x) => isId(x, count))) throw this.#error(`"deliveries" must be an array of vCPU ids${this.#bound()}`, line, text);
      d = (deliveries as number[]).slice().sort((a, b) => a - b);
      for (const x of d) if (x > this.maxVcpu) this.maxVcpu = x;
    }
    if (group !== undefined && !isId(group, Number.MAX_SAFE_INTEGER)) throw this.#error('"group" must be a non-negative integer', line, text);
    if ((sender as number) > this.maxVcpu) this.maxVcpu = sender as number;
    return makeEvent(t, sender as number, reg as SgiRegister, hi, lo, line, d, group as number | undefined);
  }

  #bound(): string {
    return this.#topology === undefined ? "" : ` of topology ${this.#topology.name} (0..${String(this.#topology.count - 1)})`;
  }

  #error(message: string, line: number, text: string): TraceParseError {
    return new TraceParseError(message, this.#name, line, text);
  }
}

function isId(x: unknown, count: number): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x < count;
}
