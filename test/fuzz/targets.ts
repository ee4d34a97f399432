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
import { VsgiError } from "../../src/errors.ts";
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

/** Every target, in report order. */
export const TARGETS: readonly FuzzTarget<never>[] = [
  parseRegisterValueTarget,
  decodeSgiRegisterTarget,
  decodeGicdSgirTarget,
  affinityOfMpidrTarget,
  encodeSgiRegisterTarget,
  encodeGicdSgirTarget,
  parseTopologyJsonTarget,
  traceLinesTarget,
  traceStreamTarget,
  traceGzipTarget,
  cliTarget,
  stressOptionsTarget,
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
