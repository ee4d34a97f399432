/**
 * Issue 17, items 1 and 2: every input is bounded by the bytes actually read and by its nesting
 * depth. A device, a FIFO or a directory is refused before it is read (stat sizes lie: /dev/zero
 * says 0 bytes and never ends; opening a FIFO blocks until a writer comes).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadEngineFile } from "../../src/check/load.ts";
import { PluginError, TopologyError, TraceParseError } from "../../src/errors.ts";
import { MAX_JSON_DEPTH } from "../../src/json.ts";
import { loadTopology, parseTopologyJson } from "../../src/topology/index.ts";
import { readTrace } from "../../src/trace/read.ts";
import { runCli } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "vsgi-hostile-"));
const fifo = join(dir, "fifo");
execFileSync("mkfifo", [fifo]);

async function drain(path: string, lenient = false): Promise<number> {
  let n = 0;
  for await (const _ of readTrace(path, { lenient })) n++;
  return n;
}

describe("unbounded input is refused", () => {
  it("a topology that is /dev/zero is refused as a character device, not read", () => {
    assert.throws(() => loadTopology("/dev/zero"), (e: unknown) => e instanceof TopologyError && /character device, not a regular file/.test(e.message));
  });

  it("a topology that is a FIFO is refused without blocking on open", () => {
    assert.throws(() => loadTopology(fifo), (e: unknown) => e instanceof TopologyError && /FIFO/.test(e.message));
  });

  it("a topology that is a directory is refused as a directory", () => {
    assert.throws(() => loadTopology(dir), (e: unknown) => e instanceof TopologyError && /is a directory/.test(e.message));
  });

  it("a topology file is bounded by the bytes read, one byte over 1 MiB refused", () => {
    const big = join(dir, "big.json");
    writeFileSync(big, " ".repeat((1 << 20) + 1));
    assert.throws(() => loadTopology(big), (e: unknown) => e instanceof TopologyError && /over the 1048576-byte limit/.test(e.message));
  });

  it("a topology file that is not UTF-8 is refused as such", () => {
    const bin = join(dir, "bin.json");
    writeFileSync(bin, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    assert.throws(() => loadTopology(bin), (e: unknown) => e instanceof TopologyError && /not UTF-8/.test(e.message));
  });

  it("a trace that is /dev/zero, a FIFO or a directory is refused, strict or lenient", async () => {
    for (const path of ["/dev/zero", fifo, dir]) {
      for (const lenient of [false, true]) {
        await assert.rejects(drain(path, lenient), (e: unknown) => e instanceof TraceParseError && /not a regular file/.test(e.message), path);
      }
    }
  });

  it("a C engine source is bounded by the bytes read: over 4 MiB is refused before compiling", async () => {
    const big = join(dir, "huge_engine.c");
    writeFileSync(big, `/* ${"x".repeat(4 << 20)} */\n`);
    await assert.rejects(loadEngineFile(big), (e: unknown) => e instanceof PluginError && /over the 4194304-byte limit/.test(e.message));
  });

  it("vsgi route --topology /dev/zero or a FIFO exits 2 with one line, quickly", () => {
    for (const path of ["/dev/zero", fifo]) {
      const r = runCli(["route", "0x1000002", "--sender", "0", "--topology", path], { timeoutMs: 20_000 });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error: .*not a regular file\n$/);
      assert.equal(r.stdout, "");
    }
  });
});

describe("absurd JSON is a TopologyError", () => {
  it("100,000 nested [ is a TopologyError naming the depth limit, not a stack overflow", () => {
    assert.throws(() => parseTopologyJson("[".repeat(100_000), "deep.json"), (e: unknown) => e instanceof TopologyError && new RegExp(`nested deeper than ${String(MAX_JSON_DEPTH)} levels`).test(e.message));
    assert.throws(() => parseTopologyJson(`{"mpidrs": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "deep.json"), TopologyError);
  });

  it("nesting up to the limit parses; one level more does not", () => {
    const nested = (n: number): string => `{"mpidrs": ["0x0"], "name": ${"[".repeat(n)}${"]".repeat(n)}}`;
    // The name is not a string either way: the depth check runs first only past the limit.
    assert.throws(() => parseTopologyJson(nested(MAX_JSON_DEPTH - 1), "d.json"), (e: unknown) => e instanceof TopologyError && /name:/.test(e.message));
    assert.throws(() => parseTopologyJson(nested(MAX_JSON_DEPTH), "d.json"), (e: unknown) => e instanceof TopologyError && /nested deeper/.test(e.message));
  });

  it("huge numbers, long strings and wrong shapes are TopologyErrors", () => {
    for (const text of ['{"mpidrs": [1e400]}', '{"mpidrs": [-0.5]}', `{"mpidrs": ["0x${"f".repeat(100)}"]}`, `{"mpidrs": ["0x0"], "name": "${"x".repeat(5000)}"}`, "12", "null", '{"mpidrs": {"length": 3}}']) {
      assert.throws(() => parseTopologyJson(text, "absurd.json"), TopologyError, text.slice(0, 40));
    }
  });

  it("vsgi route --topology with 100,000 nested [ exits 2 with one line", () => {
    const deep = join(dir, "deep.json");
    writeFileSync(deep, "[".repeat(100_000));
    const r = runCli(["route", "0x1000002", "--sender", "0", "--topology", deep]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .*deep\.json:1:65: nested deeper than 64 levels\n$/);
  });
});
