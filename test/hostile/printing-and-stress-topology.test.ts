/**
 * Issue 17, minor items: control characters in topology names (ANSI escapes) are escaped when
 * printed, and `vsgi stress --topology <json file>` is accepted like other commands' --topology.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseTopologyJson } from "../../src/topology/index.ts";
import { escapeControl } from "../../src/util/printable.ts";
import { runCli } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "vsgi-print-"));

describe("printing names from files", () => {
  it("an ANSI escape in a topology name is escaped, never printed raw", () => {
    const f = join(dir, "ansi.json");
    writeFileSync(f, JSON.stringify({ name: "\u001b[31mred\u001b[0m\rforged", mpidrs: ["0x0", "0x1"] }));
    assert.equal(parseTopologyJson(JSON.stringify({ name: "a\u001bb", mpidrs: ["0x0"] }), "x.json").name, "a\\x1bb");
    const r = runCli(["route", "0x1000002", "--sender", "0", "--topology", f]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u001b\r]/);
    assert.match(r.stdout, /\\x1b\[31mred\\x1b\[0m\\x0dforged/);
  });

  it("an error message carrying a control character is printed on one escaped line", () => {
    const r = runCli(["route", "0x1", "--sender", "0", "--topology", "/nonexistent/\u001b[2J\nx.json"]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr.slice(0, -1), /[\u001b\n]/);
    assert.match(r.stderr, /\\x1b\[2J\\x0ax\.json/);
  });

  it("escapeControl leaves printable text, including non-ASCII, as it is", () => {
    assert.equal(escapeControl("kvm:64 — vCPU ü"), "kvm:64 — vCPU ü");
    assert.equal(escapeControl("\u0085\u2028"), "\\x85\\u2028");
  });
});

describe("vsgi stress --topology <json file>", () => {
  it("runs on a topology read from a JSON file, as route and replay accept", () => {
    const f = join(dir, "four.json");
    writeFileSync(f, JSON.stringify({ mpidrs: ["0x0", "0x1", "0x100", "0x101"] }));
    const r = runCli(["stress", "--topology", f, "--workers", "2", "--writes", "2000", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { vcpus: number; lost: number; phantom: number; writes: number };
    assert.deepEqual([out.vcpus, out.writes, out.lost, out.phantom], [4, 2000, 0, 0]);
  });
});
