/** `vsgi init-engine` writes a starting point that `vsgi check` passes, and never overwrites. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkEngine } from "../../src/check/check.ts";
import { formatCheck } from "../../src/check/format.ts";
import { loadEngineFile } from "../../src/check/load.ts";
import { runTraces } from "../../src/check/traces.ts";
import { runCli } from "../support/cli.ts";

describe("vsgi init-engine", () => {
  it("writes <name>.c and <name>.ts; check passes the C one from the CLI; a second run refuses to overwrite", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-init-"));
    for (const lang of ["c", "ts"]) {
      const r = runCli(["init-engine", "my-engine", "--lang", lang, "--dir", dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`wrote .*my-engine\\.${lang}\\nnext: vsgi check `));
    }
    assert.match(readFileSync(join(dir, "my-engine.c"), "utf8"), /uint32_t vsgi_engine_dispatch\(uint64_t sgi1r, uint32_t sender, uint32_t \*targets, uint32_t \*ntargets\)/);
    const check = runCli(["check", join(dir, "my-engine.c"), "--seed", "3", "--runs", "30"]);
    assert.equal(check.code, 0, check.stderr);
    const again = runCli(["init-engine", "my-engine", "--lang", "c", "--dir", dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists; not overwriting it/);
  });

  it("refuses a bad name, a built-in's name and an unknown language (status 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-init-"));
    assert.match(runCli(["init-engine", "Bad Name", "--dir", dir]).stderr, /use lower-case letters/);
    assert.match(runCli(["init-engine", "vsgi", "--dir", dir]).stderr, /built-in engine's name/);
    const r = runCli(["init-engine", "x", "--lang", "rust", "--dir", dir]);
    assert.equal(r.code, 2);
    assert.equal(existsSync(join(dir, "x.rust")), false);
  });
});

describe("real traces in vsgi check", () => {
  it("says which folders it searched and that none were found (an installed package ships none)", async () => {
    const plugin = await loadEngineFile(new URL("../../examples/engines/sorted-bsearch.ts", import.meta.url).pathname);
    const empty = mkdtempSync(join(tmpdir(), "vsgi-notraces-"));
    const none = await runTraces(plugin, empty);
    assert.deepEqual(none.traces, []);
    assert.deepEqual(none.searched, ["fixtures", join("fixtures", "shared")]);
    const report = await checkEngine(plugin, { seed: 1, runs: 5 });
    const text = formatCheck({ ...report, traces: none });
    assert.match(text, /real traces: none found \(looked in fixtures, fixtures\/shared; the npm package ships no traces/);
  });
});
