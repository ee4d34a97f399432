/**
 * Byte-level field scanning for QEMU `-trace` log lines: the importers look at a line's header
 * and event name without decoding it as text, and read the fields of SGI events straight from the
 * bytes. Every scanner returns -1 (or undefined) where the text does not have the exact expected
 * shape; the caller then falls back to the text parser, which gives the precise error.
 */
import { microseconds } from "./event.ts";

const HEADER = /^(\d+)@(\d+)\.(\d+):([A-Za-z0-9_]+)(?: (.*))?$/;
const DIGITS = /^\d+$/;
const EVENT_NAME = /^[A-Za-z0-9_]+$/;
// Reused result of splitHeader: the hot path parses millions of lines.
const header = { tid: 0, t: 0, event: "", msg: "" };

/** Splits `<tid>@<sec>.<usec>:<event> <msg>` with indexOf (the regex HEADER, ~2× faster), or undefined. */
export function splitHeader(text: string): typeof header | undefined {
  const at = text.indexOf("@");
  if (at <= 0 || at > 10) return undefined;
  const dot = text.indexOf(".", at);
  const colon = text.indexOf(":", at);
  if (dot < 0 || colon < dot) return undefined;
  const space = text.indexOf(" ", colon);
  const tid = text.slice(0, at);
  const sec = text.slice(at + 1, dot);
  const frac = text.slice(dot + 1, colon);
  const event = space < 0 ? text.slice(colon + 1) : text.slice(colon + 1, space);
  if (!DIGITS.test(tid) || !DIGITS.test(sec) || !DIGITS.test(frac) || !EVENT_NAME.test(event)) return HEADER.test(text) ? slowHeader(text) : undefined;
  header.tid = Number(tid);
  header.t = microseconds(sec, frac);
  header.event = event;
  header.msg = space < 0 ? "" : text.slice(space + 1);
  return header;
}

function slowHeader(text: string): typeof header | undefined {
  const h = HEADER.exec(text);
  if (h === null) return undefined;
  header.tid = Number(h[1]);
  header.t = microseconds(h[2]!, h[3]!);
  header.event = h[4]!;
  header.msg = h[5] ?? "";
  return header;
}


/** The header `<tid>@<sec>.<frac>:<event>` of the last {@link scanHeader}. */
export interface ByteHeader {
  tid: number;
  /** Microseconds. */
  t: number;
  /** Offsets of the event name. */
  eventStart: number;
  eventEnd: number;
}

const POW10 = [1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/**
 * Reads `<tid>@<sec>.<frac>:<event>` (then a space or the end) at `buf[s..e)` into `h`.
 * @returns false when the line is not exactly that shape (the text parser decides then).
 */
export function scanHeader(buf: Buffer, s: number, e: number, h: ByteHeader): boolean {
  let i = s;
  let tid = 0;
  while (i < e) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    tid = tid * 10 + (c - 48);
    i++;
  }
  if (i === s || i - s > 10 || i >= e || buf[i] !== 64) return false;
  i++;
  const secStart = i;
  let sec = 0;
  while (i < e) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    sec = sec * 10 + (c - 48);
    i++;
  }
  if (i === secStart || i - secStart > 15 || i >= e || buf[i] !== 46) return false;
  i++;
  const fracStart = i;
  let frac = 0;
  while (i < e) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    if (i - fracStart < 6) frac = frac * 10 + (c - 48);
    i++;
  }
  if (i === fracStart || i >= e || buf[i] !== 58) return false;
  const digits = i - fracStart < 6 ? i - fracStart : 6;
  i++;
  const eventStart = i;
  while (i < e && isNameByte(buf[i]!)) i++;
  if (i === eventStart || (i < e && buf[i] !== 32)) return false;
  h.tid = tid;
  h.t = sec * 1e6 + frac * POW10[digits]!;
  h.eventStart = eventStart;
  h.eventEnd = i;
  return true;
}

/** Whether `buf[at..at+lit.length)` equals `lit`. */
export function bytesEqual(buf: Buffer, at: number, end: number, lit: Uint8Array): boolean {
  if (end - at < lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (buf[at + k] !== lit[k]) return false;
  return true;
}

/** Cursor of the field scanners: the offset after the last field read. */
export const cursor = { at: 0 };

/** Lower-case hex digits (1..max) at `at`; sets `cursor.at` after them. Returns -1 if none or too many. */
export function scanHex(buf: Buffer, at: number, end: number, max: number): number {
  let v = 0;
  let i = at;
  while (i < end) {
    const c = buf[i]!;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else break;
    v = v * 16 + d;
    i++;
  }
  if (i === at || i - at > max) return -1;
  cursor.at = i;
  return v;
}

/** Decimal digits (1..max) at `at`; sets `cursor.at` after them. Returns -1 if none or too many. */
export function scanDec(buf: Buffer, at: number, end: number, max: number): number {
  let v = 0;
  let i = at;
  while (i < end) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    i++;
  }
  if (i === at || i - at > max) return -1;
  cursor.at = i;
  return v;
}

/** The bytes of an ASCII literal. */
export function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}
