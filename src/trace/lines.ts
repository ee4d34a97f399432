/**
 * Text lines of a trace file in constant memory: the file is streamed (gunzipped when its
 * first two bytes are the gzip magic 1f 8b, RFC 1952 §2.3.1), split on LF, and handed out in
 * batches so that a parser runs synchronously over many lines per `await`.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { TraceParseError } from "../errors.ts";
import { INPUT_OPEN_FLAGS, notRegularFile } from "../util/read-input.ts";

/** Longest line accepted (bytes of text); a longer one is not a trace line, whatever the format. */
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
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  if (!gz) return file;
  const gunzip = createGunzip();
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
 * Splits a byte stream into lines. A stream error (truncated or corrupt gzip, I/O error) becomes
 * a `TraceParseError` naming the last complete line, so a damaged file never ends silently.
 * A line longer than {@link MAX_LINE_CHARS} throws, or with `onLongLine` is dropped and reported.
 */
export async function* readLines(source: Readable, name: string, onLongLine?: (line: number) => void): AsyncGenerator<LineBatch> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let next = 1;
  let dropping = false;
  try {
    for await (const chunk of source) {
      const text = carry + (typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer));
      const texts: string[] = [];
      const first = next;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        // The tail of a dropped long line keeps its line number as an empty line.
        texts.push(dropping ? "" : stripCr(text.slice(start, nl)));
        dropping = false;
        start = nl + 1;
        next++;
      }
      carry = start === 0 ? text : text.slice(start);
      if (carry.length > MAX_LINE_CHARS) {
        if (onLongLine === undefined) throw new TraceParseError(`line longer than ${String(MAX_LINE_CHARS)} characters: not a trace`, name, next, carry.slice(0, 80));
        if (!dropping) onLongLine(next);
        dropping = true;
        carry = "";
      }
      if (texts.length > 0) yield { first, texts };
    }
  } catch (e) {
    if (e instanceof TraceParseError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new TraceParseError(`stream ends in error after line ${String(next - 1)} (${msg}); the file is truncated or corrupt`, name, next, "");
  }
  carry += decoder.end();
  if (carry.length > 0 && !dropping) yield { first: next, texts: [stripCr(carry)] };
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}
