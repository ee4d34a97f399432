/**
 * Issue 17, item 5 and the duplicate-key item: JSON input is parsed into prototype-free objects,
 * so `__proto__` can never supply a field; unknown keys and repeated keys are refused, named.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TopologyError, TraceParseError } from "../../src/errors.ts";
import { parseJsonStrict } from "../../src/json.ts";
import { parseTopologyJson } from "../../src/topology/index.ts";
import type { TraceEvent } from "../../src/trace/event.ts";
import { JsonlParser } from "../../src/trace/jsonl.ts";
import { runCli } from "../support/cli.ts";

const header = (topology: string): string => `{"format":"vsgi-trace","version":1,"topology":${topology}}`;

describe("prototype keys and duplicate keys", () => {
  it("a __proto__ key in a topology file cannot turn on RSS: it is an unknown field", () => {
    assert.throws(() => parseTopologyJson('{"__proto__": {"rss": true}, "mpidrs": ["0x0", "0x1"]}', "p.json"), (e: unknown) => e instanceof TopologyError && /unknown field "__proto__"/.test(e.message));
  });

  it("constructor and prototype keys in a topology file are unknown fields", () => {
    for (const k of ["constructor", "prototype", "toString"]) {
      assert.throws(() => parseTopologyJson(`{"${k}": {}, "mpidrs": ["0x0"]}`, "p.json"), (e: unknown) => e instanceof TopologyError && e.message.includes(`unknown field "${k}"`));
    }
  });

  it("parsed objects have no prototype, and __proto__ is an own key", () => {
    const o = parseJsonStrict('{"__proto__": {"rss": true}, "a": {"b": 1}}', "x.json", TopologyError) as Record<string, Record<string, unknown>>;
    assert.equal(Object.getPrototypeOf(o), null);
    assert.equal(Object.getPrototypeOf(o.a), null);
    assert.deepEqual(Object.keys(o), ["__proto__", "a"]);
    assert.equal((o as { rss?: unknown }).rss, undefined);
  });

  it("a __proto__ key in a JSONL header's topology cannot turn on RSS", () => {
    const p = new JsonlParser("t.jsonl");
    assert.throws(() => p.line(header('{"__proto__": {"rss": true}, "mpidrs": ["0x0", "0x1"]}'), 1, []), (e: unknown) => e instanceof TraceParseError && /unknown field "__proto__"/.test(e.message));
  });

  it("an unknown JSONL header field is refused, named", () => {
    const p = new JsonlParser("t.jsonl");
    assert.throws(() => p.line('{"format":"vsgi-trace","version":1,"__proto__":{"x":1}}', 1, []), (e: unknown) => e instanceof TraceParseError && /unknown header field "__proto__"/.test(e.message));
    const q = new JsonlParser("t.jsonl");
    assert.throws(() => q.line('{"format":"vsgi-trace","version":1,"topolgy":"kvm:4"}', 1, []), (e: unknown) => e instanceof TraceParseError && /unknown header field "topolgy"/.test(e.message));
  });

  it("a duplicate key in a topology file is refused, naming the key and its position", () => {
    assert.throws(() => parseTopologyJson('{"rss": false,\n "rss": true, "mpidrs": ["0x0"]}', "d.json"), (e: unknown) => e instanceof TopologyError && /^d\.json:2:2: duplicate key "rss"$/.test(e.message));
  });

  it("a duplicate key in a JSONL header or event line is refused, naming the key", () => {
    assert.throws(() => new JsonlParser("t.jsonl").line('{"format":"vsgi-trace","version":1,"version":1}', 1, []), (e: unknown) => e instanceof TraceParseError && /duplicate key "version"/.test(e.message));
    const out: TraceEvent[] = [];
    assert.throws(() => new JsonlParser("t.jsonl").line('{"t":1,"sender":0,"sender":1,"value":"0x1000001"}', 3, out), (e: unknown) => e instanceof TraceParseError && /t\.jsonl:3: column 19: duplicate key "sender"/.test(e.message));
    assert.equal(out.length, 0);
  });

  it("vsgi route with a __proto__ topology exits 2 and reports no engine unsupported for RSS", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-proto-"));
    const f = join(dir, "proto.json");
    writeFileSync(f, '{"__proto__": {"rss": true}, "mpidrs": ["0x0", "0x1", "0x2", "0x3"]}');
    const r = runCli(["route", "0x1000002", "--sender", "0", "--topology", f]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /^error: .*unknown field "__proto__"\n$/);
    assert.doesNotMatch(r.stdout, /RSS/);
  });
});
