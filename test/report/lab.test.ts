/** `vsgi lab` orchestration: what it writes when parts are absent, and its CLI errors. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bundledTraces, runLab } from "../../src/lab/run.ts";
import { labSummary } from "../../src/lab/summary.ts";
import { isMissing, type LabResults } from "../../src/report/types.ts";
import { runCli } from "../support/cli.ts";
import { assertMatchesSchema } from "../support/schema.ts";

describe("vsgi lab", () => {
  it("writes index.html and results.json, recording skipped parts as missing", async () => {
    const out = mkdtempSync(join(tmpdir(), "vsgi-lab-"));
    const phases = new Set<string>();
    const outcome = await runLab({ out, quick: true, skipBench: "skipped by the test", noBundledTraces: true }, (p) => phases.add(p.phase));
    assert.ok(existsSync(join(out, "index.html")));
    const saved = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as LabResults;
    assert.equal(saved.schema, "vsgi-lab/1");
    assertMatchesSchema("lab", saved);
    assert.deepEqual(saved.bench, { missing: "skipped by the test" });
    assert.ok(isMissing(saved.traces), "no trace to replay");
    assert.equal(outcome.htmlBytes, readFileSync(join(out, "index.html")).length);
    const html = readFileSync(join(out, "index.html"), "utf8");
    assert.match(html, /benchmark: skipped by the test/);
    assert.match(html, /<script>/, "the explorer script is inlined");
    assert.ok(phases.has("report"));
    const summary = labSummary(outcome);
    assert.match(summary, /benchmark: missing — skipped by the test/);
    assert.match(summary, /total time: /);
    assert.ok(summary.split("\n").length <= 30, "fits one screen");
  });

  it("reports a trace that cannot be replayed in red, and keeps going", async () => {
    const out = mkdtempSync(join(tmpdir(), "vsgi-lab-"));
    const bad = join(out, "not-a-trace.log");
    writeFileSync(bad, "hello\nthis is not a trace\n");
    const outcome = await runLab({ out, quick: true, skipBench: "skipped by the test", noBundledTraces: true, traces: [bad] });
    const traces = outcome.results.traces;
    assert.ok(!isMissing(traces));
    const [only] = traces.replays;
    assert.ok(only !== undefined && "error" in only, "recorded as a failure");
    assert.equal(only.trace, "not-a-trace.log");
    assert.match(readFileSync(outcome.htmlPath, "utf8"), /<p class="bad">not-a-trace\.log could not be replayed: /);
    assert.match(labSummary(outcome), /not-a-trace\s+FAILED: /);
  });

  it("finds the bundled traces once each", () => {
    const traces = bundledTraces();
    assert.equal(new Set(traces.map((t) => t.split("/").pop())).size, traces.length);
    assert.ok(traces.every((t) => t.endsWith(".log.gz")));
  });

  it("rejects a --trace that does not exist", () => {
    const out = mkdtempSync(join(tmpdir(), "vsgi-lab-"));
    const r = runCli(["lab", "--out", out, "--trace", join(out, "nope.log.gz")]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: trace .*nope\.log\.gz: no such file/m);
  });
});
