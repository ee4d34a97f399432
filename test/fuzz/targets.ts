/**
 * Fuzz targets: every codec, the topology JSON loader, the trace importers and the CLI argument
 * handling, each fed random and mutated input by fast-check. The rule they check: bad input
 * ends in a typed error (a `VsgiError`, or commander's own usage error for the command line),
 * never another exception; where the input is valid, the result matches an independent oracle.
 * Shared by `npm test` (test/fuzz/fuzz.test.ts, 10^4 cases each) and `npm run fuzz` (run.ts).
 */
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { createGunzip, gunzipSync, gzipSync } from "node:zlib";
import { Command, CommanderError } from "commander";
import fc from "fast-check";
import { decodeGicdSgir, encodeGicdSgir } from "../../src/arch/gicd-sgir.ts";
import { affinityOfMpidr } from "../../src/arch/mpidr.ts";
import { decodeSgiRegister, encodeSgiRegister, SgiRegister } from "../../src/arch/sgi-register.ts";
import { parseRegisterValue } from "../../src/arch/value.ts";
import { registerDecode } from "../../src/cli/decode.ts";
import { registerExport } from "../../src/cli/export.ts";
import { registerReplay } from "../../src/cli/replay.ts";
import { registerRoute } from "../../src/cli/route.ts";
import { parseStressOptions } from "../../src/cli/stress.ts";
import { describeValue, TopologyError, VsgiError } from "../../src/errors.ts";
import { VirtualGic } from "../../src/gic.ts";
import * as api from "../../src/index.ts";
import { MAX_JSON_DEPTH } from "../../src/json.ts";
import { MAX_TOPOLOGY_JSON_BYTES, parseTopologyJson, presetTopology } from "../../src/topology/index.ts";
import type { TraceEvent, TraceParser } from "../../src/trace/event.ts";
import { FtraceParser } from "../../src/trace/ftrace.ts";
import { formatJsonlEvent, formatJsonlHeader, JsonlParser } from "../../src/trace/jsonl.ts";
import { QemuLogParser } from "../../src/trace/qemu-log.ts";
import { readTrace, readTraceFrom } from "../../src/trace/read.ts";

/** One fuzz target. */
export interface FuzzTarget<T = unknown> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Runs one case; throws on a finding (an untyped error or a wrong result). */
  readonly run: (input: T) => void | Promise<void>;
  /** `npm test` cases (at least 10^4 unless a target is too slow, which the report names). */
  readonly testRuns?: number;
}

/** Outcome of fuzzing one target. */
export interface FuzzOutcome {
  readonly name: string;
  readonly runs: number;
  /** Cases that ended in a typed error (bad input, rejected as it should be). */
  readonly rejected: number;
  readonly failed: boolean;
  readonly message: string;
  readonly seconds: number;
}

/** Errors bad input may legitimately end in. */
export function isTypedError(e: unknown): boolean {
  return e instanceof VsgiError || e instanceof CommanderError;
}

/** The shared real traces, copied into the repository. */
const FIXTURES = fileURLToPath(new URL("../../fixtures/shared", import.meta.url));
let rejected = 0;

/** Calls `fn`; a typed error counts as a rejection, anything else propagates as a finding. */
function expectTyped<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch (e) {
    if (isTypedError(e)) {
      rejected++;
      return undefined;
    }
    throw e;
  }
}

async function expectTypedAsync(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (isTypedError(e)) {
      rejected++;
      return;
    }
    throw e;
  }
}

// ---------------------------------------------------------------- register values and codecs

const hexDigits = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF_"), maxLength: 24 });
/** Text that looks like a register value more or less: hex, decimal, junk, signs, spaces. */
const valueText = fc.oneof(
  hexDigits.map((d) => `0x${d}`),
  hexDigits,
  fc.tuple(fc.constantFrom("", " ", "-", "+", "0X", "0x-", "\t", "0b"), hexDigits, fc.constantFrom("", " ", "n", "\n", "g")).map(([a, b, c]) => a + b + c),
  fc.string({ maxLength: 30 }),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map((b) => `0x${b.toString(16)}`),
);
/** Any input a caller could pass as a register value. */
const valueInput: fc.Arbitrary<string | bigint | number> = fc.oneof(
  valueText,
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER),
);

/** The value a caller meant, computed without the code under test, or undefined if invalid. */
function oracleValue(input: string | bigint | number, bits: number): bigint | undefined {
  let v: bigint;
  if (typeof input === "bigint") v = input;
  else if (typeof input === "number") {
    if (!Number.isSafeInteger(input)) return undefined;
    v = BigInt(input);
  } else {
    const t = input.trim();
    const body = t.startsWith("0x") || t.startsWith("0X") ? t.slice(2) : t;
    if (body === "" || body.startsWith("_") || body.endsWith("_") || body.includes("__") || !/^[0-9a-fA-F_]+$/.test(body)) return undefined;
    v = BigInt(`0x${body.replaceAll("_", "")}`);
  }
  return v < 0n || v >= 1n << BigInt(bits) ? undefined : v;
}

const field = (v: bigint, shift: bigint, width: bigint): number => Number((v >> shift) & ((1n << width) - 1n));

export const parseRegisterValueTarget: FuzzTarget<[string | bigint | number, 32 | 64]> = {
  name: "parseRegisterValue",
  arbitrary: fc.tuple(valueInput, fc.constantFrom(32 as const, 64 as const)),
  run: ([input, bits]) => {
    const got = expectTyped(() => parseRegisterValue(input, bits, "fuzz"));
    const want = oracleValue(input, bits);
    if (got !== want) throw new Error(`parseRegisterValue(${JSON.stringify(String(input))}, ${String(bits)}) = ${String(got)}, oracle ${String(want)}`);
  },
};

const SGI_RES0 = (0xffn << 56n) | (0x7n << 41n) | (0xfn << 28n);

export const decodeSgiRegisterTarget: FuzzTarget<[string | bigint | number, SgiRegister, boolean]> = {
  name: "decodeSgiRegister",
  arbitrary: fc.tuple(valueInput, fc.constantFrom(SgiRegister.SGI1R, SgiRegister.SGI0R, SgiRegister.ASGI1R), fc.boolean()),
  run: ([input, register, strict]) => {
    const w = expectTyped(() => decodeSgiRegister(input, register, { strict }));
    const v = oracleValue(input, 64);
    const valid = v !== undefined && (!strict || (v & SGI_RES0) === 0n);
    if ((w !== undefined) !== valid) throw new Error(`decodeSgiRegister(${String(input)}, strict ${String(strict)}): accepted ${String(w !== undefined)}, oracle ${String(valid)}`);
    if (w === undefined || v === undefined) return;
    const want = { intid: field(v, 24n, 4n), aff3: field(v, 48n, 8n), aff2: field(v, 32n, 8n), aff1: field(v, 16n, 8n), targetList: field(v, 0n, 16n), rs: field(v, 44n, 4n), irm: field(v, 40n, 1n), register };
    for (const [k, x] of Object.entries(want)) if (w[k as keyof typeof w] !== x) throw new Error(`decodeSgiRegister(${v.toString(16)}).${k} = ${String(w[k as keyof typeof w])}, want ${String(x)}`);
  },
};

export const decodeGicdSgirTarget: FuzzTarget<[string | bigint | number, boolean]> = {
  name: "decodeGicdSgir",
  arbitrary: fc.tuple(valueInput, fc.boolean()),
  run: ([input, strict]) => {
    const w = expectTyped(() => decodeGicdSgir(input, { strict }));
    const v = oracleValue(input, 32);
    const valid = v !== undefined && (!strict || ((v & 0xfc00_7ff0n) === 0n && field(v, 24n, 2n) !== 3));
    if ((w !== undefined) !== valid) throw new Error(`decodeGicdSgir(${String(input)}, strict ${String(strict)}): accepted ${String(w !== undefined)}, oracle ${String(valid)}`);
    if (w === undefined || v === undefined) return;
    if (w.sgiIntid !== field(v, 0n, 4n) || w.nsatt !== field(v, 15n, 1n) || w.cpuTargetList !== field(v, 16n, 8n) || w.targetListFilter !== field(v, 24n, 2n)) {
      throw new Error(`decodeGicdSgir(${v.toString(16)}) fields wrong: ${JSON.stringify(w)}`);
    }
  },
};

export const affinityOfMpidrTarget: FuzzTarget<string | bigint | number> = {
  name: "affinityOfMpidr",
  arbitrary: fc.oneof(valueInput, fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.boolean()).map(([a3, a2, a1, a0, res1]) => (BigInt(a3) << 32n) | (res1 ? 1n << 31n : 0n) | BigInt((a2 << 16) | (a1 << 8) | a0))),
  run: (input) => {
    const a = expectTyped(() => affinityOfMpidr(input));
    const v = oracleValue(input, 64);
    const valid = v !== undefined && (v & ~(0xff_00ff_ffffn | (1n << 31n))) === 0n;
    if ((a !== undefined) !== valid) throw new Error(`affinityOfMpidr(${String(input)}): accepted ${String(a !== undefined)}, oracle ${String(valid)}`);
    if (a === undefined || v === undefined) return;
    const want = ((field(v, 32n, 8n) << 24) | field(v, 0n, 24n)) >>> 0;
    if (a !== want) throw new Error(`affinityOfMpidr(${v.toString(16)}) = ${a.toString(16)}, want ${want.toString(16)}`);
  },
};

/** A field value as a caller might pass it: in range, out of range, negative, fractional, not a number. */
const fieldValue = (max: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 24, arbitrary: fc.nat(max) }, { weight: 1, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.constantFrom(max + 1, -1, 0.5, Number.NaN) });

export const encodeSgiRegisterTarget: FuzzTarget<{ intid: number; aff3?: number; aff2?: number; aff1?: number; targetList?: number; rs?: number; irm?: number }> = {
  name: "encodeSgiRegister (round trip)",
  arbitrary: fc.record(
    { intid: fieldValue(15), aff3: fieldValue(255), aff2: fieldValue(255), aff1: fieldValue(255), targetList: fieldValue(0xffff), rs: fieldValue(15), irm: fieldValue(1) },
    { requiredKeys: ["intid"] },
  ),
  run: (fields) => {
    const v = expectTyped(() => encodeSgiRegister(fields));
    const limits = { intid: 15, aff3: 255, aff2: 255, aff1: 255, targetList: 0xffff, rs: 15, irm: 1 } as const;
    const valid = Object.entries(limits).every(([k, max]) => {
      const x = fields[k as keyof typeof fields] ?? 0;
      return Number.isInteger(x) && x >= 0 && x <= max;
    });
    if ((v !== undefined) !== valid) throw new Error(`encodeSgiRegister(${JSON.stringify(fields)}): accepted ${String(v !== undefined)}, oracle ${String(valid)}`);
    if (v === undefined) return;
    const w = decodeSgiRegister(v);
    for (const k of Object.keys(limits) as (keyof typeof limits)[]) {
      if (w[k] !== (fields[k] ?? 0)) throw new Error(`round trip of ${JSON.stringify(fields)} gave ${k} = ${String(w[k])}`);
    }
  },
};

export const encodeGicdSgirTarget: FuzzTarget<{ sgiIntid: number; nsatt: number; cpuTargetList: number; targetListFilter: number }> = {
  name: "encodeGicdSgir (round trip)",
  arbitrary: fc.record({ sgiIntid: fieldValue(15), nsatt: fieldValue(1), cpuTargetList: fieldValue(0xff), targetListFilter: fieldValue(3) }),
  run: (fields) => {
    const v = expectTyped(() => encodeGicdSgir(fields as Parameters<typeof encodeGicdSgir>[0]));
    const limits = { sgiIntid: 15, nsatt: 1, cpuTargetList: 0xff, targetListFilter: 3 } as const;
    const valid = Object.entries(limits).every(([k, max]) => {
      const x = fields[k as keyof typeof fields];
      return Number.isInteger(x) && x >= 0 && x <= max;
    });
    if ((v !== undefined) !== valid) throw new Error(`encodeGicdSgir(${JSON.stringify(fields)}): accepted ${String(v !== undefined)}, oracle ${String(valid)}`);
    if (v === undefined) return;
    const w = decodeGicdSgir(v, { strict: false });
    for (const k of Object.keys(limits) as (keyof typeof limits)[]) if (w[k] !== fields[k]) throw new Error(`round trip of ${JSON.stringify(fields)} gave ${k} = ${String(w[k])}`);
  },
};

// ---------------------------------------------------------------- topology JSON

/** Mutates text: replace, insert or delete characters, or splice in JSON punctuation. */
function mutate(text: string, edits: readonly (readonly [number, number, string])[]): string {
  let s = text;
  for (const [kind, pos, ch] of edits) {
    const p = s.length === 0 ? 0 : pos % (s.length + 1);
    if (kind % 3 === 0) s = s.slice(0, p) + ch + s.slice(p + 1);
    else if (kind % 3 === 1) s = s.slice(0, p) + ch + s.slice(p);
    else s = s.slice(0, p) + s.slice(p + 1 + (pos % 4));
  }
  return s;
}
const editArb = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(..."{}[]\",:0x1fFn -.e\\u"), fc.string({ maxLength: 3 }))), { minLength: 1, maxLength: 6 });

const mpidrValue = fc.oneof(
  valueText,
  fc.nat(0xffff).map((n) => `0x${n.toString(16)}`),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, "0x80000000", "0x100000000", "0xff00ffffff", -1),
);
const topologyDoc = fc.record(
  { name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), rss: fc.oneof(fc.boolean(), fc.constant("yes")), mpidrs: fc.oneof(fc.array(mpidrValue, { maxLength: 40 }), fc.uniqueArray(fc.nat(4095), { maxLength: 64 }).map((ids) => ids.map((i) => `0x${(((i >> 4) << 8) | (i & 15)).toString(16)}`))), extra: fc.jsonValue({ maxDepth: 2 }) },
  { requiredKeys: [] },
);

export const parseTopologyJsonTarget: FuzzTarget<string> = {
  name: "parseTopologyJson",
  arbitrary: fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    topologyDoc.map((d) => JSON.stringify(d)),
    // Mostly valid documents, so the accepted path (Topology's own checks) is exercised too.
    fc.record({ rss: fc.boolean(), mpidrs: fc.uniqueArray(fc.oneof(fc.nat(4095).map((i) => ((i >> 4) << 8) | (i & 15)), fc.nat(0xffffff)), { minLength: 1, maxLength: 64 }).map((a) => a.map((x) => (x % 3 === 0 ? x : `0x${x.toString(16)}`))) }).map((d) => JSON.stringify(d)),
    fc.tuple(topologyDoc.map((d) => JSON.stringify(d)), editArb).map(([t, e]) => mutate(t, e)),
    fc.tuple(fc.constant('{"rss": false, "mpidrs": ["0x0", "0x1", "0x100", "0x80000101"]}'), editArb).map(([t, e]) => mutate(t, e)),
  ),
  run: (text) => {
    const t = expectTyped(() => parseTopologyJson(text, "fuzz.json"));
    if (t === undefined) return;
    // Accepted: every vCPU's affinity must be unique and Aff0 ≤ 15 without RSS.
    const seen = new Set<number>();
    for (const a of t.affinity) {
      if (seen.has(a)) throw new Error(`accepted duplicate affinity ${a.toString(16)} in ${text}`);
      if (!t.rss && (a & 0xff) > 15) throw new Error(`accepted Aff0 > 15 without RSS in ${text}`);
      seen.add(a);
    }
  },
};

/** The size limit: a document just over it is refused before parsing. */
export function oversizedTopologyRejected(): boolean {
  const big = `{"mpidrs": ["0x0"], "name": "${"x".repeat(MAX_TOPOLOGY_JSON_BYTES)}"}`;
  try {
    parseTopologyJson(big, "big.json");
    return false;
  } catch (e) {
    return e instanceof VsgiError && /limit/.test(e.message);
  }
}

/** Keys a hostile topology document may carry: its own, prototype names, near misses, junk. */
const hostileKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("name", "rss", "userspace", "mpidrs") },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__") },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
/** Number text JSON allows but a double cannot hold, or that is not an exact integer. */
const hugeNumberText = fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890", "1e-400", "9007199254740993", "-0", "1E+2", "0.5", "4294967296", "18446744073709551616");
const leafText = fc.oneof(
  hugeNumberText,
  fc.nat(0xffffff).map((n) => `"0x${n.toString(16)}"`),
  fc.nat(40_000).map((n) => `"${"f".repeat(n)}"`),
  fc.constantFrom("true", "false", "null", '""', '"\\u0000"', '"\\ud800"', '"\\u001b[31m"'),
  fc.json({ maxDepth: 1 }),
);
/** JSON text built as text, so duplicate keys and `__proto__` survive (JSON.stringify drops neither, but objects cannot hold them). */
const { jsonText } = fc.letrec<{ jsonText: string }>((tie) => ({
  jsonText: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafText,
    fc.array(tie("jsonText"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc.array(fc.tuple(hostileKey, tie("jsonText")), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
}));
const validMpidrsText = fc.uniqueArray(fc.nat(4095), { minLength: 1, maxLength: 64 }).map((ids) => `[${ids.map((i) => `"0x${(((i >> 4) << 8) | (i & 15)).toString(16)}"`).join(",")}]`);

/** A topology document as text, and what the generator knows about it. */
interface HostileTopology {
  readonly text: string;
  /** A key repeated in the top-level object. */
  readonly duplicate: boolean;
  /** Nesting depth wrapped around the document (deeper than the parser's limit is refused). */
  readonly wrap: number;
}

const hostileTopology: fc.Arbitrary<HostileTopology> = fc
  .tuple(
    validMpidrsText,
    fc.array(fc.tuple(hostileKey, fc.oneof(jsonText, validMpidrsText, fc.constantFrom("true", "false"))), { maxLength: 4 }),
    fc.nat(6),
    fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }) }),
  )
  .map(([mpidrs, extra, at, wrap]) => {
    const pairs: [string, string][] = [["mpidrs", mpidrs], ...extra];
    // Move the mpidrs pair somewhere in the list.
    pairs.splice(at % pairs.length, 0, pairs.shift()!);
    const keys = pairs.map(([k]) => k);
    const body = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`;
    return { text: "[".repeat(wrap) + body + "]".repeat(wrap), duplicate: new Set(keys).size !== keys.length, wrap };
  });

/** Depth of the deepest array or object in `text` (outside strings). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}

/**
 * Structure-aware topology documents: deep nesting, prototype keys, duplicate keys, huge numbers,
 * long strings. Every refusal must be a TopologyError; an accepted document must be valid JSON
 * with only known keys, no duplicate, no prototype key, within the depth limit, and the topology
 * must say exactly what the document says (RSS only when `"rss": true` is its own field).
 */
export const topologyStructureTarget: FuzzTarget<HostileTopology> = {
  name: "parseTopologyJson structure-aware (nesting, __proto__, duplicates, huge numbers, long strings)",
  arbitrary: hostileTopology,
  run: ({ text, duplicate }) => {
    let t;
    try {
      t = parseTopologyJson(text, "hostile.json");
    } catch (e) {
      if (e instanceof TopologyError) {
        rejected++;
        return;
      }
      throw e;
    }
    if (duplicate) throw new Error(`accepted a duplicate key: ${text.slice(0, 300)}`);
    if (nestingDepth(text) > MAX_JSON_DEPTH) throw new Error("accepted a document deeper than the limit");
    const doc = JSON.parse(text) as Record<string, unknown>;
    const keys = Object.keys(doc);
    for (const k of keys) if (!["name", "rss", "userspace", "mpidrs"].includes(k)) throw new Error(`accepted unknown key ${JSON.stringify(k)}: ${text.slice(0, 300)}`);
    if (t.rss !== (Object.hasOwn(doc, "rss") && doc.rss === true)) throw new Error(`rss ${String(t.rss)} from ${text.slice(0, 300)}`);
    if (t.count !== (doc.mpidrs as unknown[]).length) throw new Error(`count ${String(t.count)} from ${text.slice(0, 300)}`);
  },
  testRuns: 2_000,
};

// ---------------------------------------------------------------- trace importers

function fixtureLines(): string[] {
  return gunzipSync(readFileSync(join(FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz"))).toString("utf8").split("\n");
}
let qemuLines: string[] | undefined;
let ftraceLines: string[] | undefined;
let jsonlLines: string[] | undefined;

function seedLines(): { qemu: string[]; ftrace: string[]; jsonl: string[] } {
  qemuLines ??= fixtureLines();
  if (ftraceLines === undefined) {
    const consoleText = readFileSync(join(FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.console"), "utf8");
    ftraceLines = [
      "# tracer: nop",
      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
      "          <idle>-0       [001] d.h1.  1234.567890: ipi_raise: target_mask=00000000,0000000a (Function call interrupts)",
      "     kworker/0:1-23      [000] d..2.    12.000001: ipi_raise: target_mask=00000000,00000001 (Rescheduling interrupts)",
      ...consoleText.split("\n").filter((l) => l.startsWith("@@K ")).slice(0, 400),
    ];
  }
  if (jsonlLines === undefined) {
    const topo = presetTopology("qemu:4");
    const parser = new QemuLogParser("seed.log", topo);
    const out: TraceEvent[] = [];
    qemuLines.slice(0, 3000).forEach((l, i) => parser.line(l, i + 1, out));
    parser.end(out);
    jsonlLines = [formatJsonlHeader(topo, "seed.log"), ...out.slice(0, 300).map((e) => formatJsonlEvent(e))];
  }
  return { qemu: qemuLines, ftrace: ftraceLines, jsonl: jsonlLines };
}

type TraceFormatName = "qemu" | "ftrace" | "jsonl";
const traceCase = fc.tuple(fc.constantFrom<TraceFormatName>("qemu", "ftrace", "jsonl"), fc.nat(), fc.integer({ min: 1, max: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(..."0123456789abcdefx@.: ,[]{}\"-\n"), fc.string({ maxLength: 4 }), fc.constantFrom("0xffffffff", "99999999999", "-1", "0x0xx", "NaN", "\u0000"))), { maxLength: 8 }), fc.boolean());

function windowOf(format: TraceFormatName, start: number, length: number): string[] {
  const lines = seedLines()[format];
  const s = start % lines.length;
  const w = lines.slice(s, s + length);
  // JSONL events need the header first; keep it most of the time.
  return format === "jsonl" && s !== 0 ? [lines[0]!, ...w] : w;
}

function newParser(format: TraceFormatName, small: boolean): TraceParser {
  const topo = small ? presetTopology("qemu:2") : undefined;
  if (format === "qemu") return new QemuLogParser("fuzz.log", topo);
  if (format === "ftrace") return new FtraceParser("fuzz.trace", topo ?? presetTopology("qemu:4"));
  return new JsonlParser("fuzz.jsonl", topo);
}

/** Line importers fed windows of real trace lines with mutated bytes (and a too-small topology now and then). */
export const traceLinesTarget: FuzzTarget<[TraceFormatName, number, number, (readonly [number, number, string])[], boolean]> = {
  name: "trace line importers (qemu, ftrace, jsonl)",
  arbitrary: traceCase,
  run: ([format, start, length, edits, small]) => {
    const text = mutate(windowOf(format, start, length).join("\n"), edits);
    const parser = newParser(format, small);
    const out: TraceEvent[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (expectTyped(() => (parser.line(lines[i]!, i + 1, out), true)) === undefined) return;
    }
    expectTyped(() => parser.end(out));
    for (const e of out) {
      if (!Number.isInteger(e.sender) || e.sender < 0 || (small && e.sender >= 2)) throw new Error(`event with sender ${String(e.sender)} outside the topology from ${JSON.stringify(text)}`);
    }
  },
};

/** readTrace over a whole mutated text (format sniffing, lenient and strict), as a stream. */
export const traceStreamTarget: FuzzTarget<[TraceFormatName, number, number, (readonly [number, number, string])[], boolean]> = {
  name: "readTrace stream (sniffing, lenient/strict)",
  arbitrary: traceCase,
  run: async ([format, start, length, edits, lenient]) => {
    const text = mutate(windowOf(format, start, length).join("\n"), edits);
    await expectTypedAsync(async () => {
      const reader = readTraceFrom(async () => Readable.from([Buffer.from(text)]), "fuzz.trace", { lenient });
      for await (const e of reader) if (!Number.isInteger(e.sender) || e.sender < 0) throw new Error(`bad sender ${String(e.sender)}`);
    });
  },
  testRuns: 10_000,
};

let gzDir: string | undefined;
/** readTrace on gzip files whose compressed bytes were mutated or truncated. */
export const traceGzipTarget: FuzzTarget<[number, number, (readonly [number, number])[], boolean]> = {
  name: "readTrace gzip bytes (mutated, truncated)",
  arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.boolean()),
  run: async ([start, length, edits, truncate]) => {
    gzDir ??= mkdtempSync(join(tmpdir(), "vsgi-fuzz-"));
    const bytes = Buffer.from(gzipSync(windowOf("qemu", start, length).join("\n")));
    for (const [pos, b] of edits) bytes[pos % bytes.length] = b;
    const data = truncate ? bytes.subarray(0, Math.max(2, (start % bytes.length))) : bytes;
    // Mostly in memory through the same gunzip stage readTrace uses; one case in 64 through a real file.
    let reader;
    if (start % 64 === 0) {
      const path = join(gzDir, "case.log.gz");
      writeFileSync(path, data);
      reader = readTrace(path, { lenient: true });
    } else {
      reader = readTraceFrom(async () => Readable.from([data]).pipe(createGunzip()), "fuzz.log.gz", { lenient: true });
    }
    await expectTypedAsync(async () => {
      for await (const e of reader) if (!Number.isInteger(e.sender)) throw new Error("bad sender");
    });
  },
};

/** Bytes a trace file might hold: random, fixture windows with flipped bytes, NULs, bad UTF-8, CRs, gzip magic. */
const traceBytes = fc.oneof(
  fc.uint8Array({ maxLength: 4000 }),
  fc.tuple(fc.constantFrom<TraceFormatName>("qemu", "ftrace", "jsonl"), fc.nat(), fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 10 })).map(([format, start, length, flips]) => {
    const bytes = Buffer.from(windowOf(format, start, length).join("\n"));
    for (const [pos, b] of flips) if (bytes.length > 0) bytes[pos % bytes.length] = b;
    return new Uint8Array(bytes);
  }),
  fc.array(fc.constantFrom("\u0000", "\r", "\n", "\r\n", "\u00ff", "\ufffd", "\u001f\u008b", "{", "\"", "@", ":", "gicv3_icc_generate_sgi ", "ipi_raise: target_mask=", "0x"), { maxLength: 200 }).map((parts) => new Uint8Array(Buffer.from(parts.join(""), "latin1"))),
);

/**
 * Every trace parser fed raw bytes through the real line splitter (each format forced, and
 * sniffed), strict and lenient: only TraceParseErrors (or other VsgiErrors) may come out.
 */
export const traceBytesTarget: FuzzTarget<[TraceFormatName | "auto", Uint8Array, boolean, number]> = {
  name: "trace parsers byte-level (qemu, ftrace, jsonl, auto; strict/lenient)",
  arbitrary: fc.tuple(fc.constantFrom<TraceFormatName | "auto">("qemu", "ftrace", "jsonl", "auto"), traceBytes, fc.boolean(), fc.integer({ min: 1, max: 4096 })),
  run: async ([format, bytes, lenient, split]) => {
    const data = Buffer.from(bytes);
    // Cut into two chunks at a random place: a line, a UTF-8 sequence or a CRLF may straddle them.
    const cut = split % (data.length + 1);
    const chunks = [data.subarray(0, cut), data.subarray(cut)];
    await expectTypedAsync(async () => {
      const reader = readTraceFrom(async () => Readable.from(chunks), "fuzz.bytes", { format, lenient });
      for await (const e of reader) if (!Number.isInteger(e.sender) || e.sender < 0) throw new Error(`bad sender ${String(e.sender)}`);
    });
  },
  testRuns: 2_000,
};

// ---------------------------------------------------------------- command line

let cliDir: string | undefined;
/** Small real files the CLI cases may name: a QEMU trace, a JSONL trace, a topology, a non-trace. */
function cliFiles(): { qemu: string; jsonl: string; topo: string; junk: string; out: string; dir: string } {
  cliDir ??= mkdtempSync(join(tmpdir(), "vsgi-fuzz-cli-"));
  const f = { qemu: join(cliDir, "t.log"), jsonl: join(cliDir, "t.jsonl"), topo: join(cliDir, "topo.json"), junk: join(cliDir, "junk.txt"), out: join(cliDir, "out.jsonl"), dir: cliDir };
  const lines = seedLines();
  writeFileSync(f.qemu, lines.qemu.slice(0, 200).join("\n"));
  writeFileSync(f.jsonl, lines.jsonl.slice(0, 30).join("\n"));
  writeFileSync(f.topo, '{"mpidrs": ["0x0", "0x1", "0x2", "0x3"]}');
  writeFileSync(f.junk, "hello\n\u0000\u00ff\n");
  return f;
}
let files: ReturnType<typeof cliFiles> | undefined;

const argWord = fc.oneof(
  fc.constantFrom("replay", "export", "--engines", "all", "vsgi,xen", "nope,vsgi", "--format", "qemu", "ftrace", "jsonl", "auto", "bogus", "--out", "-", "@qemu", "@jsonl", "@topo", "@junk", "@out", "@dir", "."),
  fc.constantFrom("decode", "route", "--reg", "sgi1r", "sgi0r", "asgi1r", "gicd-sgir", "GICD-SGIR", "--lenient", "--json", "--topology", "--sender", "--help", "-h", "--version", "--", "-x", "--reg=", "--sender=3"),
  fc.constantFrom("kvm:4", "qemu:8", "sparse:16", "kvm:0", "kvm:4097", "kvm:-1", "qemu:x", "foo:3", "/nonexistent/t.json", "", " "),
  valueText,
  fc.nat(20).map(String),
  fc.string({ maxLength: 8 }),
);

/** The program with the commands fuzzed in-process: output swallowed, exits turned into errors. */
function fuzzProgram(): Command {
  const p = new Command().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  registerDecode(p);
  registerRoute(p);
  registerReplay(p);
  registerExport(p);
  return p;
}

/** Random argument vectors for `vsgi decode|route|replay|export`, parsed in-process (commander with exitOverride). */
export const cliTarget: FuzzTarget<string[]> = {
  name: "CLI arguments (decode, route, replay, export)",
  arbitrary: fc.tuple(fc.constantFrom("decode", "route", "replay", "export"), fc.array(argWord, { maxLength: 7 })).map(([c, rest]) => [c, ...rest]),
  run: async (words) => {
    files ??= cliFiles();
    const f = files;
    // "@name" stands for one of the small real files, so commands get past "file not found".
    const argv = words.map((w) => (w.startsWith("@") && w.slice(1) in f ? f[w.slice(1) as keyof typeof f] : w));
    const out = process.stdout.write;
    const err = process.stderr.write;
    const code = process.exitCode;
    // Random words after --out are relative paths: write them inside the scratch folder, not the checkout.
    const cwd = process.cwd();
    process.chdir(f.dir);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await expectTypedAsync(async () => {
        await fuzzProgram().parseAsync(argv, { from: "user" });
      });
    } finally {
      process.chdir(cwd);
      process.stdout.write = out;
      process.stderr.write = err;
      process.exitCode = code;
    }
  },
};

/** `vsgi stress` option text, validated without starting threads. */
export const stressOptionsTarget: FuzzTarget<{ workers: string; writes: string; vcpus: string; engine: string; seed: string; topology?: string }> = {
  name: "CLI stress options",
  arbitrary: fc.record(
    {
      workers: fc.oneof(fc.nat(100).map(String), fc.string({ maxLength: 5 })),
      writes: fc.oneof(fc.constantFrom("1e7", "1e12", "0", "1.5", "-3", "1e", "10000000", "1e1000"), fc.string({ maxLength: 6 })),
      vcpus: fc.oneof(fc.nat(10_000).map(String), fc.constantFrom("4096", "4097", "1", "0", "9007199254740993", "1e3"), fc.string({ maxLength: 5 })),
      engine: fc.oneof(fc.constantFrom("vsgi", "xen", "reference", "all", ""), fc.string({ maxLength: 5 })),
      seed: fc.oneof(fc.nat().map(String), fc.constantFrom("4294967296", "-1", "x")),
      topology: fc.constantFrom("kvm:4", "sparse:8"),
    },
    { requiredKeys: ["workers", "writes", "vcpus", "engine", "seed"] },
  ),
  run: (o) => {
    const r = expectTyped(() => parseStressOptions(o));
    if (r === undefined) return;
    if (r.workers < 2 || r.writes < 1 || !Number.isInteger(r.writes)) throw new Error(`accepted bad stress options ${JSON.stringify(o)}`);
    if (o.topology === undefined && Number(o.vcpus) > 4096) throw new Error(`accepted --vcpus ${o.vcpus} above the maximum`);
  },
};

// ---------------------------------------------------------------- public API (core entry)

/** Arguments a JavaScript caller could pass anywhere: anything, plus near-valid values. */
const apiArg: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }) },
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: -2, max: 70 }), fc.constantFrom(1025, 2 ** 32, -0, 0.5, Number.NaN, Infinity, 2 ** 53, 1023)) },
  { weight: 2, arbitrary: fc.constantFrom("kvm:4", "qemu:8", "sparse:16", "kvm:0", "kvm:99999", "vsgi", "kvm-linear", "foo", "sgi1r", "gicd-sgir", "0x1000002", "0x10000ff", "", "0x", "__proto__", "constructor:4", "toString:2", "__proto__:1") },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 66n), max: 1n << 66n }) },
  { weight: 1, arbitrary: fc.constantFrom(new ArrayBuffer(8), new SharedArrayBuffer(64), new ArrayBuffer(0)) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        topology: fc.oneof(fc.constantFrom("kvm:4", "kvm:9", "qemu:4", "x"), fc.constant(presetTopology("kvm:4")), fc.anything({ maxDepth: 0 })),
        engine: fc.oneof(fc.constantFrom("vsgi", "xen", "reference", "nope"), fc.anything({ maxDepth: 0 })),
        gicVersion: fc.constantFrom(2, 3, 4, "3"),
        delivery: fc.constantFrom("list-registers", "gicv4.1", "foo"),
        strict: fc.oneof(fc.boolean(), fc.constant("yes")),
        concurrent: fc.boolean(),
        group: fc.constantFrom(0, 1, 2, -1),
        priority: fc.constantFrom(0, 255, 256, 1.5),
        enabled: fc.oneof(fc.boolean(), fc.constant(1)),
        intid: fc.integer({ min: -1, max: 17 }),
        aff1: fc.integer({ min: -1, max: 300 }),
        targetList: fc.integer({ min: -1, max: 0x1ffff }),
      },
      { requiredKeys: [] },
    ),
  },
);

/** A VirtualGic to call methods on (valid, so the methods' own checks are what is fuzzed). */
function apiGic(pick: number): VirtualGic {
  const v = pick % 4;
  if (v === 0) return new VirtualGic({ topology: "kvm:8" });
  if (v === 1) return new VirtualGic({ topology: "kvm:8", gicVersion: 2 });
  if (v === 2) return new VirtualGic({ topology: "kvm:8", delivery: "gicv4.1", engine: "kvm-linear" });
  return new VirtualGic({ topology: "kvm:8", concurrent: true });
}

type ApiCall = (a: readonly unknown[], pick: number) => unknown;
const anyFn = (f: unknown): ((...args: unknown[]) => unknown) => f as (...args: unknown[]) => unknown;
const GIC_METHODS = ["writeSgi1r", "writeSgi0r", "writeAsgi1r", "writeSgi", "writeGicdSgir", "acknowledge", "eoi", "configureSgi", "isPending", "setResident", "setOnline", "onKick"] as const;
const STATE_METHODS = ["acknowledge", "eoi", "configure", "isPending", "setPending", "groupOf"] as const;

/** Every function and constructor of the core entry (src/index.ts), called with arbitrary arguments. */
const API_CALLS: readonly (readonly [string, ApiCall])[] = [
  ["decodeGicdSgir", (a) => decodeGicdSgir(a[0] as never, a[1] as never)],
  ["encodeGicdSgir", (a) => encodeGicdSgir(a[0] as never)],
  ["gicdSgirTargetMask", (a) => api.gicdSgirTargetMask(a[0] as never, a[1] as never, a[2] as never)],
  ["affinityOfMpidr", (a) => affinityOfMpidr(a[0] as never, a[1] as never)],
  ["formatAffinity", (a) => api.formatAffinity(a[0] as never)],
  ["mpidrOfAffinity", (a) => api.mpidrOfAffinity(a[0] as never)],
  ["packAffinity", (a) => api.packAffinity(a[0] as never)],
  ["unpackAffinity", (a) => api.unpackAffinity(a[0] as never)],
  ["decodeSgiRegister", (a) => decodeSgiRegister(a[0] as never, a[1] as never, a[2] as never)],
  ["encodeSgiRegister", (a) => encodeSgiRegister(a[0] as never)],
  ["encodeSgiHiLo", (a) => api.encodeSgiHiLo(a[0] as never)],
  ["parseSgiRegisterName", (a) => api.parseSgiRegisterName(a[0] as never)],
  ["sgiWriteToJson", (a) => api.sgiWriteToJson(a[0] as never)],
  ["parseRegisterValue", (a) => parseRegisterValue(a[0] as never, a[1] as never, a[2] as never)],
  ["formatHex", (a) => api.formatHex(a[0] as never)],
  ["joinU64", (a) => api.joinU64(a[0] as never, a[1] as never)],
  ["splitU64", (a) => api.splitU64(a[0] as never)],
  ["createEngine", (a) => api.createEngine(a[0] as never)],
  ["isEngineName", (a) => api.isEngineName(a[0] as never)],
  ["new VirtualGic", (a) => new VirtualGic(a[0] as never)],
  ["VirtualGic method", (a, pick) => {
    const gic = apiGic(pick);
    const m = GIC_METHODS[(pick >>> 2) % GIC_METHODS.length]!;
    return anyFn(gic[m]).apply(gic, [...a]);
  }],
  ["new SgiState", (a) => new api.SgiState(a[0] as never, a[1] as never)],
  ["new AtomicSgiState", (a) => new api.AtomicSgiState(a[0] as never, a[1] as never)],
  ["sharedSgiLayout", (a) => api.sharedSgiLayout(a[0] as never)],
  ["SgiState method", (a, pick) => {
    const st = new api.SgiState(8);
    const m = STATE_METHODS[pick % STATE_METHODS.length]!;
    return anyFn(st[m]).apply(st, [...a]);
  }],
  ["parseTopologyJson", (a) => parseTopologyJson(a[0] as never, a[1] as never)],
  ["presetTopology", (a) => presetTopology(a[0] as never)],
  ["new Topology", (a) => new api.Topology(a[0] as never, a[1] as never, a[2] as never, a[3] as never)],
];

/**
 * The public API audit (issue 17, item 8): every function and constructor of the core entry,
 * and every VirtualGic and SgiState method, called with arbitrary arguments. A refusal must be a
 * VsgiError; a TypeError or RangeError from inside is a finding.
 */
export const publicApiTarget: FuzzTarget<[number, number, unknown[]]> = {
  name: "public API (core entry: functions, VirtualGic and SgiState methods)",
  arbitrary: fc.tuple(fc.nat(API_CALLS.length - 1), fc.nat(), fc.array(apiArg, { maxLength: 4 })),
  run: ([which, pick, args]) => {
    const [name, call] = API_CALLS[which]!;
    try {
      call(args, pick);
    } catch (e) {
      if (e instanceof VsgiError) {
        rejected++;
        return;
      }
      throw new Error(`${name}(${args.map((x) => describeValue(x)).join(", ")}) [pick ${String(pick)}] threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  },
  testRuns: 5_000,
};

/** Every target, in report order. */
export const TARGETS: readonly FuzzTarget<never>[] = [
  parseRegisterValueTarget,
  decodeSgiRegisterTarget,
  decodeGicdSgirTarget,
  affinityOfMpidrTarget,
  encodeSgiRegisterTarget,
  encodeGicdSgirTarget,
  parseTopologyJsonTarget,
  topologyStructureTarget,
  traceLinesTarget,
  traceBytesTarget,
  traceStreamTarget,
  traceGzipTarget,
  cliTarget,
  stressOptionsTarget,
  publicApiTarget,
] as unknown as FuzzTarget<never>[];

/** Fuzzes one target with a fixed seed; never throws (a finding is reported in the outcome). */
export async function fuzz<T>(target: FuzzTarget<T>, numRuns: number, seed: number): Promise<FuzzOutcome> {
  rejected = 0;
  const t0 = performance.now();
  const details = await fc.check(fc.asyncProperty(target.arbitrary, async (x) => {
    await target.run(x);
  }), { seed, numRuns, endOnFailure: true });
  return {
    name: target.name,
    runs: details.numRuns,
    rejected,
    failed: details.failed,
    message: details.failed ? `seed ${String(seed)}: ${String(details.errorInstance ?? "")}\ncounterexample: ${JSON.stringify(details.counterexample, (_k, v: unknown) => (typeof v === "bigint" ? `${v.toString()}n` : v))}` : "",
    seconds: (performance.now() - t0) / 1000,
  };
}
