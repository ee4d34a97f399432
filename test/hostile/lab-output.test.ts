/**
 * Issue 17, item 10: `vsgi lab --out` is checked before the sweep runs, never writes through a
 * symbolic link it was given, and never leaves a half-written file.
 */
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { UsageError, VsgiError } from "../../src/errors.ts";
import { runLab } from "../../src/lab/run.ts";
import { runCli } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "vsgi-lab-out-"));
const quick = { quick: true, skipBench: "skipped by the test", noBundledTraces: true } as const;

describe("vsgi lab --out", () => {
  it("an existing regular file as --out is refused before the sweep starts, and left as it was", async () => {
    const file = join(dir, "report.txt");
    writeFileSync(file, "keep me\n");
    const phases: string[] = [];
    await assert.rejects(runLab({ out: file, ...quick }, (p) => phases.push(p.phase)), (e: unknown) => e instanceof UsageError && /is a file/.test(e.message));
    assert.deepEqual(phases, [], "no phase of the run started");
    assert.equal(readFileSync(file, "utf8"), "keep me\n");
  });

  it("vsgi lab --out <file> exits 2 with one line at once (the full sweep never runs)", () => {
    const file = join(dir, "report2.txt");
    writeFileSync(file, "keep me\n");
    const r = runCli(["lab", "--out", file], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: --out .*report2\.txt is a file: the lab writes index\.html and results\.json into a folder\n$/);
    assert.equal(readFileSync(file, "utf8"), "keep me\n");
  });

  it("a symbolic link as the output folder is refused; the folder it points to stays empty", async () => {
    const real = join(dir, "real");
    mkdirSync(real);
    const link = join(dir, "link");
    symlinkSync(real, link);
    await assert.rejects(runLab({ out: link, ...quick }), (e: unknown) => e instanceof UsageError && /symbolic link/.test(e.message));
    assert.deepEqual(readdirSync(real), []);
  });

  it("an index.html that is a link is replaced by the report, its target untouched", async () => {
    const out = join(dir, "with-link");
    mkdirSync(out);
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(out, "index.html"));
    await runLab({ out, ...quick });
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    assert.equal(lstatSync(join(out, "index.html")).isFile(), true);
    assert.match(readFileSync(join(out, "index.html"), "utf8"), /<html/i);
  });

  it("an index.html there that is a folder is refused before the sweep; nothing is written", async () => {
    const out = join(dir, "failing");
    mkdirSync(join(out, "index.html"), { recursive: true });
    const phases: string[] = [];
    await assert.rejects(runLab({ out, ...quick }, (p) => phases.push(p.phase)), (e: unknown) => e instanceof VsgiError && /index\.html.*folder/.test(e.message));
    assert.deepEqual(phases, []);
    assert.deepEqual(readdirSync(out), ["index.html"]);
  });

  it("a missing --out folder is created at the end, parents included", async () => {
    const out = join(dir, "new", "deeper");
    await runLab({ out, ...quick });
    assert.ok(existsSync(join(out, "results.json")) && existsSync(join(out, "index.html")));
    assert.deepEqual(readdirSync(out).sort(), ["index.html", "results.json"]);
  });
});
