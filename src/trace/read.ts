/**
 * `readTrace`: one entry point for every trace format, streaming in constant memory. The format
 * is given or told from the file name and its first lines; gzip is told by its magic bytes.
 */
import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { checkObject, checkText, describeValue, TraceParseError, UsageError } from "../errors.ts";
import { presetTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import type { TraceEvent, TraceFormat, TraceParser } from "./event.ts";
import { FtraceParser } from "./ftrace.ts";
import { JsonlParser } from "./jsonl.ts";
import { lineText, openTraceStream, readLineChunks, readLines } from "./lines.ts";
import { QemuLogParser } from "./qemu-log.ts";
import { sniffLine } from "./sniff.ts";

export { sniffLine };

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** `auto` (default): `.jsonl[.gz]` names are JSONL, else the first lines decide. */
  readonly format?: TraceFormat | "auto";
  /** Skip and count malformed lines of known events instead of throwing. */
  readonly lenient?: boolean;
  /**
   * vCPU layout. QEMU: maps affinities to ids (default: QEMU virt's GICv3 layout). ftrace: splits
   * cpumasks into writes (default: `qemu:<cpus seen>`, found by a first pass). JSONL: bounds ids.
   */
  readonly topology?: Topology;
}

/** How many malformed lines a lenient read keeps as examples. */
const KEPT_PROBLEMS = 10;
/** Lines (and characters) read while telling the format before giving up: memory stays bounded. */
const SNIFF_LINES = 20_000;
const SNIFF_CHARS = 16 << 20;

/** A source that can be opened more than once (a first pass may scan it). */
export type TraceOpener = () => Promise<Readable>;

/**
 * A trace being read: iterate it for events; after (or during) the iteration its fields say
 * what was read. Each iteration reads the source from the start.
 */
export class TraceReader implements AsyncIterable<TraceEvent> {
  /** Name used in errors (the path). */
  readonly name: string;
  /** The format, once known (after the first lines of an iteration). */
  format: TraceFormat | undefined;
  /** Lines read so far. */
  lines = 0;
  /** Malformed lines skipped under `lenient`. */
  lenientSkipped = 0;
  /** The first few skipped problems, as errors (file, line, text). */
  readonly problems: TraceParseError[] = [];
  /** Lines of other events and free text that the format skips by design. */
  otherLines = 0;
  /** QEMU: writes finished early because more threads were pending than the parser keeps. */
  threadEvictions = 0;
  /** QEMU: lines of GICv2 events (then the log is read by src/trace/qemu-gicv2.ts). */
  gicv2Lines = 0;
  /** JSONL: the topology its header names. */
  headerTopology: Topology | undefined;
  /** The topology used to split ftrace cpumasks (given, or from the first pass). */
  topology: Topology | undefined;
  readonly #open: TraceOpener;
  readonly #options: ReadTraceOptions;

  constructor(open: TraceOpener, name: string, options: ReadTraceOptions = {}) {
    this.#open = open;
    this.name = name;
    this.#options = options;
    this.topology = options.topology;
    const f = options.format ?? "auto";
    this.format = f === "auto" ? (/\.jsonl(\.gz)?$/i.test(name) ? "jsonl" : undefined) : f;
  }

  /**
   * Events in order, one at a time. Built over {@link batches} with a hand-written iterator: an
   * async generator per event costs several promises each, which dominates on large traces
   * (and more so under async hooks, as in node:test).
   */
  [Symbol.asyncIterator](): AsyncIterator<TraceEvent> {
    const batches = this.batches();
    let batch: readonly TraceEvent[] = [];
    let i = 0;
    const pull = async (): Promise<IteratorResult<TraceEvent>> => {
      for (;;) {
        const r = await batches.next();
        if (r.done === true) return { value: undefined, done: true };
        if (r.value.length > 0) {
          batch = r.value;
          i = 1;
          return { value: batch[0]!, done: false };
        }
      }
    };
    return {
      next: () => (i < batch.length ? Promise.resolve({ value: batch[i++]!, done: false }) : pull()),
      return: async () => {
        await batches.return(undefined);
        return { value: undefined, done: true };
      },
    };
  }

  /** The events in batches (one per chunk of input), for consumers that want fewer awaits. */
  async *batches(): AsyncGenerator<TraceEvent[]> {
    this.lines = 0;
    this.lenientSkipped = 0;
    this.problems.length = 0;
    this.otherLines = 0;
    const lenient = this.#options.lenient === true;
    let parser: TraceParser | undefined;
    let pendingLines: { text: string; line: number }[] = [];
    let pendingChars = 0;
    const out: TraceEvent[] = [];
    const feed = (text: string, line: number): void => {
      const other = otherOf(parser!);
      try {
        parser!.line(text, line, out);
        // A line the format skips as foreign must not be a line of another format.
        if (otherOf(parser!) !== other) this.#checkForeign(text, line);
      } catch (e) {
        if (e instanceof TraceParseError && this.format === "jsonl") this.#checkForeign(text, line);
        if (!(lenient && e instanceof TraceParseError)) throw e;
        this.lenientSkipped++;
        if (this.problems.length < KEPT_PROBLEMS) this.problems.push(e);
      }
    };
    const onLongLine = lenient
      ? (line: number): void => {
          this.lenientSkipped++;
          if (this.problems.length < KEPT_PROBLEMS) this.problems.push(new TraceParseError("line too long", this.name, line, ""));
        }
      : undefined;
    const source = await this.#open();
    for await (const chunk of readLineChunks(source, this.name, onLongLine)) {
      // QEMU logs are read from their bytes when the chunk is plain UTF-8 text (no NUL).
      const bytes = parser instanceof QemuLogParser && chunk.buf.indexOf(0) < 0 && isUtf8(chunk.buf) ? parser : undefined;
      const { buf, starts, first } = chunk;
      for (let i = 0; i < chunk.count; i++) {
        const line = first + i;
        if (bytes !== undefined) {
          let end = starts[i + 1]!;
          if (end > starts[i]! && buf[end - 1] === 10) end--;
          if (end > starts[i]! && buf[end - 1] === 13) end--;
          try {
            bytes.lineBytes(buf, starts[i]!, end, line, out);
          } catch (e) {
            if (!(lenient && e instanceof TraceParseError)) throw e;
            this.lenientSkipped++;
            if (this.problems.length < KEPT_PROBLEMS) this.problems.push(e);
          }
          continue;
        }
        const text = lineText(chunk, i);
        if (parser === undefined) {
          this.format ??= sniffLine(text);
          if (this.format === undefined) {
            pendingLines.push({ text, line });
            pendingChars += text.length;
            if (pendingLines.length > SNIFF_LINES || pendingChars > SNIFF_CHARS) {
              source.destroy();
              throw new TraceParseError(`no QEMU, ftrace or JSONL trace line in the first ${String(pendingLines.length)} lines; pass the format`, this.name, 1, pendingLines.find((l) => l.text.trim() !== "")?.text ?? "");
            }
            continue;
          }
          parser = await this.#parser(this.format);
          for (const p of pendingLines) feed(p.text, p.line);
          pendingLines = [];
        }
        feed(text, line);
      }
      this.lines = first + chunk.count - 1;
      if (out.length > 0) yield out.splice(0, out.length);
    }
    if (parser === undefined) {
      if (this.format === undefined) {
        const sample = pendingLines.find((l) => l.text.trim() !== "");
        throw new TraceParseError(sample === undefined ? "empty trace" : "no QEMU, ftrace or JSONL trace line found; pass the format", this.name, sample?.line ?? 0, sample?.text ?? "");
      }
      parser = await this.#parser(this.format);
    }
    parser.end(out);
    this.#collect(parser);
    if (out.length > 0) yield out.splice(0, out.length);
  }

  async #parser(format: TraceFormat): Promise<TraceParser> {
    switch (format) {
      case "qemu":
        return new QemuLogParser(this.name, this.#options.topology);
      case "jsonl":
        return new JsonlParser(this.name, this.#options.topology);
      case "ftrace":
        this.topology ??= await this.#scanFtraceTopology();
        return new FtraceParser(this.name, this.topology);
    }
  }

  /** Throws when `text` is a line of a format other than the one being read (a mixed file). */
  #checkForeign(text: string, line: number): void {
    const f = sniffLine(text);
    if (f !== undefined && f !== this.format) {
      throw new TraceParseError(`mixed formats: this is a ${f} line in a ${String(this.format)} trace (the first line of the second format)`, this.name, line, text);
    }
  }

  #collect(parser: TraceParser): void {
    this.otherLines = otherOf(parser);
    if (parser instanceof QemuLogParser) {
      this.threadEvictions = parser.threadEvictions;
      this.gicv2Lines = parser.gicv2Lines;
    }
    if (parser instanceof JsonlParser) this.headerTopology = parser.headerTopology;
  }

  async #scanFtraceTopology(): Promise<Topology> {
    const scan = new FtraceParser(this.name);
    const lenient = this.#options.lenient === true;
    const source = await this.#open();
    for await (const batch of readLines(source, this.name, lenient ? () => {} : undefined)) {
      for (let i = 0; i < batch.texts.length; i++) {
        try {
          scan.line(batch.texts[i]!, batch.first + i, []);
        } catch (e) {
          if (!(lenient && e instanceof TraceParseError)) throw e;
        }
      }
    }
    return presetTopology(`qemu:${String(Math.max(1, scan.maxCpu + 1))}`);
  }
}

function otherOf(p: TraceParser): number {
  return p instanceof QemuLogParser || p instanceof FtraceParser ? p.otherLines : 0;
}

/**
 * Streams the register writes of a trace file (QEMU `-trace` log, Linux ftrace `ipi_raise`, or
 * vsgi JSONL; plain or gzip) in constant memory.
 * @throws TraceParseError (during iteration) naming file, line and text of a malformed line.
 * @example for await (const e of readTrace("trace.log.gz")) console.log(e.sender, e.deliveries)
 */
export function readTrace(path: string, options: ReadTraceOptions = {}): TraceReader {
  checkText(path, "trace path");
  checkObject(options, "readTrace options");
  return new TraceReader(() => openTraceStream(path), path, options);
}

/**
 * Like {@link readTrace} over any byte stream source (`open` is called once per pass; ftrace
 * without a topology needs two passes).
 */
export function readTraceFrom(open: TraceOpener, name: string, options: ReadTraceOptions = {}): TraceReader {
  if (typeof open !== "function") throw new UsageError(`readTraceFrom needs a function that opens the stream, got ${describeValue(open)}`, describeValue(open));
  checkText(name, "trace name");
  checkObject(options, "readTraceFrom options");
  return new TraceReader(open, name, options);
}

/** Parses a `--format` value (auto, qemu, ftrace, jsonl). */
export function parseFormatOption(s: string): TraceFormat | "auto" {
  if (s === "auto" || s === "qemu" || s === "ftrace" || s === "jsonl") return s;
  throw new UsageError(`unknown trace format ${describeValue(s)} (expected auto, qemu, ftrace or jsonl)`, describeValue(s));
}
