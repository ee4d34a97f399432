/**
 * The one JSON parser behind every JSON input vsgi reads (topology files, the JSONL trace header
 * and events). Hostile input ends in a typed error, never in a crash or a bypass:
 *
 * - size and nesting depth are bounded before any work is done on a value (a recursive parser
 *   given 10^5 nested `[` overflows the stack; this one stops at {@link MAX_JSON_DEPTH});
 * - objects have no prototype, so `"__proto__": {"rss": true}` is an ordinary (unknown) key and
 *   can never supply a field the document does not have;
 * - a key given twice is an error naming it (JSON.parse silently keeps the last one);
 * - every error names `source:line:column` (Node 20's JSON.parse often reports no position).
 *
 * Pure (no Node built-ins): the browser bundle and the core entry use it.
 */
import type { VsgiError } from "./errors.ts";

/** Deepest nesting of arrays and objects accepted (a topology needs 2, a JSONL header 3). */
export const MAX_JSON_DEPTH = 64;
/** Largest JSON text accepted by default, in UTF-16 code units (≥ its UTF-8 bytes / 3). */
export const MAX_JSON_CHARS = 1 << 20;

/** Limits of one parse. */
export interface JsonLimits {
  /** Default {@link MAX_JSON_DEPTH}. */
  readonly maxDepth?: number;
  /** Default {@link MAX_JSON_CHARS}. */
  readonly maxChars?: number;
}

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

type ErrorClass = new (message: string, input: string, where: string) => VsgiError;

/** A recursive-descent parser whose recursion is bounded by `maxDepth`. */
class Parser {
  pos = 0;
  readonly #text: string;
  readonly #maxDepth: number;
  readonly #fail: (offset: number, message: string) => never;

  constructor(text: string, maxDepth: number, fail: (offset: number, message: string) => never) {
    this.#text = text;
    this.#maxDepth = maxDepth;
    this.#fail = fail;
  }

  #skip(): void {
    const t = this.#text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  #unexpected(what: string): never {
    const t = this.#text;
    if (this.pos >= t.length) return this.#fail(this.pos, `${what}, found the end of the text`);
    return this.#fail(this.pos, `${what} near ${JSON.stringify(t.slice(this.pos, this.pos + 20))}`);
  }

  /** The whole text as one value. */
  document(): unknown {
    this.#skip();
    const v = this.value(0);
    this.#skip();
    if (this.pos < this.#text.length) this.#unexpected("end of text expected");
    return v;
  }

  value(depth: number): unknown {
    const t = this.#text;
    const c = t.charCodeAt(this.pos);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= this.#maxDepth) return this.#fail(this.pos, `nested deeper than ${String(this.#maxDepth)} levels`);
      return c === 0x7b ? this.#object(depth + 1) : this.#array(depth + 1);
    }
    if (c === 0x22) return this.#string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (c === 0x74 && t.startsWith("true", this.pos)) {
      this.pos += 4;
      return true;
    }
    if (c === 0x66 && t.startsWith("false", this.pos)) {
      this.pos += 5;
      return false;
    }
    if (c === 0x6e && t.startsWith("null", this.pos)) {
      this.pos += 4;
      return null;
    }
    return this.#unexpected("value expected");
  }

  /** End of the run of decimal digits starting at `p`. */
  #digits(p: number): number {
    const t = this.#text;
    let q = p;
    for (let c = t.charCodeAt(q); c >= 0x30 && c <= 0x39; c = t.charCodeAt(q)) q++;
    return q;
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6), scanned without a regex. */
  #number(): number {
    const t = this.#text;
    const start = this.pos;
    let p = t.charCodeAt(start) === 0x2d ? start + 1 : start;
    let q = t.charCodeAt(p) === 0x30 ? p + 1 : this.#digits(p);
    if (q === p) return this.#expected(q, "digit expected");
    if (t.charCodeAt(q) === 0x2e) {
      p = q + 1;
      q = this.#digits(p);
      if (q === p) return this.#expected(q, "digit expected after the decimal point");
    }
    const e = t.charCodeAt(q);
    if (e === 0x65 || e === 0x45) {
      p = q + 1;
      const sign = t.charCodeAt(p);
      if (sign === 0x2b || sign === 0x2d) p++;
      q = this.#digits(p);
      if (q === p) return this.#expected(q, "digit expected in the exponent");
    }
    this.pos = q;
    return Number(t.slice(start, q));
  }

  #expected(at: number, what: string): never {
    this.pos = at;
    return this.#unexpected(what);
  }

  #string(): string {
    const t = this.#text;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= t.length) return this.#fail(start, "unterminated string");
      const c = t.charCodeAt(p);
      if (c === 0x22) break;
      if (c < 0x20) return this.#fail(p, "control character in a string (escape it)");
      if (c === 0x5c) {
        escaped = true;
        p += 2;
      } else p++;
    }
    this.pos = p + 1;
    if (!escaped) return t.slice(start + 1, p);
    try {
      return JSON.parse(t.slice(start, p + 1)) as string;
    } catch {
      return this.#fail(start, "invalid escape sequence in a string");
    }
  }

  #array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.#skip();
    if (this.#text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.#skip();
      out.push(this.value(depth));
      this.#skip();
      const c = this.#text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        return this.#unexpected("comma or ] expected");
      }
      this.#skip();
      if (this.#text.charCodeAt(this.pos) === 0x5d) this.#unexpected("value expected (no trailing comma)");
    }
  }

  #object(depth: number): Record<string, unknown> {
    const out = Object.create(null) as Record<string, unknown>;
    this.pos++;
    this.#skip();
    if (this.#text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.#skip();
      if (this.#text.charCodeAt(this.pos) !== 0x22) this.#unexpected("property name expected");
      const at = this.pos;
      const key = this.#string();
      if (Object.hasOwn(out, key)) this.#fail(at, `duplicate key ${JSON.stringify(key)}`);
      this.#skip();
      if (this.#text.charCodeAt(this.pos) !== 0x3a) this.#unexpected("colon expected");
      this.pos++;
      this.#skip();
      out[key] = this.value(depth);
      this.#skip();
      const c = this.#text.charCodeAt(this.pos);
      this.pos++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        return this.#unexpected("comma or } expected");
      }
      this.#skip();
      if (this.#text.charCodeAt(this.pos) === 0x7d) this.#unexpected("property name expected (no trailing comma)");
    }
  }
}


/**
 * Parses `text` as strict JSON (no comments, no trailing commas) into prototype-free objects.
 * @throws an instance of `ErrorClass` whose message starts `source:line:column: malformed JSON`
 *   for a syntax error, `duplicate key` for a repeated key, or names the limit exceeded
 *   (size in characters, nesting depth).
 * @example parseJsonStrict('{"a": [1]}', "x.json", TopologyError) // { a: [1] }, no prototype
 */
export function parseJsonStrict(text: string, source: string, ErrorClass: ErrorClass, limits: JsonLimits = {}): unknown {
  const maxChars = limits.maxChars ?? MAX_JSON_CHARS;
  if (text.length > maxChars) {
    throw new ErrorClass(`${source === "" ? "" : `${source}: `}JSON text of ${String(text.length)} characters, over the ${String(maxChars)}-character limit`, source, source);
  }
  const fail = (offset: number, message: string): never => {
    const { line, column } = lineColumn(text, offset);
    // An unnamed text (one JSONL line) is located by column alone.
    const at = source !== "" ? `${source}:${String(line)}:${String(column)}` : line === 1 ? `column ${String(column)}` : `line ${String(line)}, column ${String(column)}`;
    const kind = message.startsWith("duplicate key") || message.startsWith("nested deeper") ? "" : "malformed JSON: ";
    throw new ErrorClass(`${at}: ${kind}${message}`, source, at);
  };
  return new Parser(text, limits.maxDepth ?? MAX_JSON_DEPTH, fail).document();
}
