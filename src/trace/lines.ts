/**
 * Text lines of a trace file in constant memory: the file is streamed (gunzipped when its
 * first two bytes are the gzip magic 1f 8b, RFC 1952 §2.3.1), split on LF, and handed out in
 * batches so that a parser runs synchronously over many lines per `await`.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { TraceParseError } from "../errors.ts";
import { INPUT_OPEN_FLAGS, notRegularFile } from "../util/read-input.ts";

/** Longest line accepted (bytes, 1 MiB); a longer one is not a trace line, whatever the format. */
export const MAX_LINE_CHARS = 1 << 20;

/** Whether the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, INPUT_OPEN_FLAGS);
  } catch (e) {
    throw new TraceParseError(`cannot open trace: ${e instanceof Error ? e.message : String(e)}`, path, 0, "");
  }
  try {
    // /dev/zero never ends and a FIFO never opens for the stream below: only regular files.
    const kind = notRegularFile(await fh.stat());
    if (kind !== undefined) throw new TraceParseError(`the trace is ${kind}, not a regular file`, path, 0, "");
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } catch (e) {
    if (e instanceof TraceParseError) throw e;
    // A directory opens but cannot be read (EISDIR): still a bad path, not a crash.
    throw new TraceParseError(`cannot read trace: ${e instanceof Error ? e.message : String(e)}`, path, 0, "");
  } finally {
    await fh.close();
  }
}

/** The byte stream of a trace file, gunzipped when it is gzip. */
export async function openTraceStream(path: string): Promise<Readable> {
  const gz = await isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gz) return file;
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  // pipe() does not forward source errors; a read error must still end the iteration.
  file.on("error", (e) => gunzip.destroy(e));
  return file.pipe(gunzip);
}

/** A batch of lines: `texts[i]` is line `first + i` (1-based), without its LF or CR. */
export interface LineBatch {
  readonly first: number;
  readonly texts: string[];
}

/**
 * A chunk of whole lines as bytes: line `first + i` is `buf[starts[i]] .. buf[starts[i + 1] - 1]`
 * (its LF included, when it has one); `starts` has `count + 1` entries. A line dropped for its
 * length (under `onLongLine`) appears as an empty line, so numbering never shifts.
 */
export interface LineChunk {
  readonly buf: Buffer;
  readonly first: number;
  readonly count: number;
  readonly starts: Int32Array;
}

const EMPTY_LINE = Buffer.from("\n");

/** The start offsets of the lines of `buf` (which ends with LF, or is the last piece of input). */
function lineStarts(buf: Buffer): Int32Array {
  // Grows by doubling; most chunks of a QEMU log hold ~64 KiB / 80 B lines.
  let starts = new Int32Array(1024);
  let n = 0;
  let s = 0;
  while (s < buf.length) {
    if (n + 2 > starts.length) {
      const bigger = new Int32Array(starts.length * 2);
      bigger.set(starts);
      starts = bigger;
    }
    starts[n++] = s;
    const nl = buf.indexOf(10, s);
    s = nl < 0 ? buf.length : nl + 1;
  }
  starts[n] = buf.length;
  return starts.subarray(0, n + 1);
}

function chunkOf(buf: Buffer, first: number): LineChunk {
  const starts = lineStarts(buf);
  return { buf, first, count: starts.length - 1, starts };
}

/**
 * Splits a byte stream into chunks of whole lines without decoding them: a parser can skip lines
 * by their bytes and decode only those it needs. A stream error (truncated or corrupt gzip, I/O
 * error) becomes a `TraceParseError` naming the last complete line, so a damaged file never ends
 * silently. A line longer than {@link MAX_LINE_CHARS} bytes throws, or with `onLongLine` is
 * dropped (read past without keeping it) and reported; memory stays bounded either way.
 */
export async function* readLineChunks(source: Readable, name: string, onLongLine?: (line: number) => void): AsyncGenerator<LineChunk> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let next = 1;
  let dropping = false;
  const tooLong = (): void => {
    if (onLongLine === undefined) {
      const head = Buffer.concat(carry).subarray(0, 80).toString("utf8");
      throw new TraceParseError(`line longer than ${String(MAX_LINE_CHARS)} bytes: not a trace`, name, next, head);
    }
    onLongLine(next);
    dropping = true;
    carry = [];
    carryBytes = 0;
  };
  try {
    for await (const piece of source) {
      const buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : (piece as Buffer);
      let start = 0;
      if (dropping) {
        const nl = buf.indexOf(10);
        if (nl < 0) continue;
        dropping = false;
        start = nl + 1;
        yield { buf: EMPTY_LINE, first: next, count: 1, starts: Int32Array.of(0, 1) };
        next++;
      }
      const last = buf.lastIndexOf(10);
      if (last < start) {
        carry.push(buf.subarray(start));
        carryBytes += buf.length - start;
        if (carryBytes > MAX_LINE_CHARS) tooLong();
        continue;
      }
      let body = buf.subarray(start, last + 1);
      if (carryBytes > 0) {
        const firstNl = body.indexOf(10);
        carryBytes += firstNl;
        if (carryBytes > MAX_LINE_CHARS) {
          tooLong();
          // The long line ends within this piece: skip to its end.
          dropping = false;
          yield { buf: EMPTY_LINE, first: next, count: 1, starts: Int32Array.of(0, 1) };
          next++;
          body = body.subarray(firstNl + 1);
        } else {
          // Only the line that straddles two pieces is copied; the rest is handed out in place.
          const head = chunkOf(Buffer.concat([...carry, body.subarray(0, firstNl + 1)]), next);
          next += head.count;
          yield head;
          body = body.subarray(firstNl + 1);
        }
        carry = [];
        carryBytes = 0;
      }
      // The unfinished tail is copied: the stream may reuse its buffer.
      if (last + 1 < buf.length) {
        carry = [Buffer.from(buf.subarray(last + 1))];
        carryBytes = buf.length - last - 1;
        if (carryBytes > MAX_LINE_CHARS) tooLong();
      }
      if (body.length > 0) {
        const c = chunkOf(body, next);
        next += c.count;
        yield c;
      }
    }
  } catch (e) {
    if (e instanceof TraceParseError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TraceParseError(`stream ends in error after line ${String(next - 1)} (${msg}); the file is truncated or corrupt`, name, next, "");
  }
  if (carryBytes > 0 && !dropping) yield chunkOf(Buffer.concat(carry), next);
}

/** Line `i` of a chunk as text (UTF-8; invalid bytes become U+FFFD), without its LF or CR. */
export function lineText(c: LineChunk, i: number): string {
  let end = c.starts[i + 1]!;
  const start = c.starts[i]!;
  if (end > start && c.buf[end - 1] === 10) end--;
  if (end > start && c.buf[end - 1] === 13) end--;
  return c.buf.toString("utf8", start, end);
}

/**
 * Splits a byte stream into text lines, in batches (see {@link readLineChunks} for errors and
 * the length cap).
 */
export async function* readLines(source: Readable, name: string, onLongLine?: (line: number) => void): AsyncGenerator<LineBatch> {
  for await (const c of readLineChunks(source, name, onLongLine)) {
    const texts: string[] = new Array<string>(c.count);
    for (let i = 0; i < c.count; i++) texts[i] = lineText(c, i);
    yield { first: c.first, texts };
  }
}
