/**
 * Bad input never causes a hang: an engine whose prepare() or dispatch() loops forever makes
 * `vsgi check` fail (exit 1) within --timeout-ms, naming the call, the layout and the write as a
 * re-runnable `vsgi route` line — for TS engines (a JS loop) and C engines (a native loop) alike.
 * runCli's own 60 s limit is what "terminates" means here; nothing is timed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.ts";
import { assertMatchesSchema } from "../support/schema.ts";

const dir = mkdtempSync(join(tmpdir(), "vsgi-check-timeout-"));

/** A linear scan that loops forever once the VM has 3 vCPUs or more (so some calls do return). */
const TS_DISPATCH_LOOPS = `
export default class DispatchLoops {
  name = "dispatch-loops";
  origin = "test: loops forever in dispatch on 3+ vCPUs";
  n = 0;
  prepare(t: { count: number }) { this.n = t.count; return { supported: true as const }; }
  dispatch(_w: unknown, _sender: number, _sink: unknown): number {
    let i = 0;
    while (this.n >= 3) i++;
    return i;
  }
}
`;

const TS_PREPARE_LOOPS = `
export default {
  name: "prepare-loops",
  origin: "test: loops forever in prepare",
  prepare(t: { count: number }) { let i = 0; while (t.count > 0) i++; return { supported: i > 0 }; },
  dispatch() { return 0; },
};
`;

const C_DISPATCH_LOOPS = `
#include <stdint.h>
static volatile uint32_t vcpus;
int vsgi_engine_prepare(const uint32_t *affinity, uint32_t count, int rss, char *reason) {
  (void)affinity; (void)rss; (void)reason; vcpus = count; return 0;
}
uint32_t vsgi_engine_dispatch(uint64_t sgi1r, uint32_t sender, uint32_t *targets, uint32_t *ntargets) {
  (void)sgi1r; (void)sender; (void)targets;
  while (vcpus != 0) { }
  *ntargets = 0;
  return 0;
}
`;

function engine(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Timeout {
  verdict: string;
  timeout: { call: string; from: string; limitMs: number; topology?: string; sender?: number; value?: string; route?: string; rerun: string };
}

function assertStopped(file: string, call: string): Timeout {
  const args = ["check", file, "--seed", "7", "--runs", "20", "--timeout-ms", "500"];
  const text = runCli(args);
  assert.equal(text.code, 1, `exit 1 (a failed check), not a hang or a crash: ${text.stderr}`);
  assert.match(text.stdout, new RegExp(`^TIMEOUT \\(random layouts and writes, seed 7\\): ${call}\\(\\) did not return within 500 ms`, "m"));
  assert.match(text.stdout, /^ {2}re-check: vsgi check .* --seed 7 --runs 20 --timeout-ms 500$/m);
  assert.match(text.stdout, new RegExp(`^FAIL: .*${call}\\(\\) did not return`, "m"));
  assert.equal(text.stderr.trim().split("\n").length, 1, text.stderr);
  assert.match(text.stderr, new RegExp(`^error: .*${call}\\(\\) did not return within 500 ms`));
  const json = runCli([...args, "--json"]);
  assert.equal(json.code, 1, json.stderr);
  const out = JSON.parse(json.stdout) as Timeout;
  assertMatchesSchema("check", out);
  assert.equal(out.verdict, "timeout");
  assert.equal(out.timeout.call, call);
  assert.equal(out.timeout.from, "property");
  assert.equal(out.timeout.limitMs, 500);
  assert.ok(out.timeout.topology !== undefined, "the layout is named");
  return out;
}

describe("vsgi check stops an engine call that does not return", () => {
  it("a TS engine whose dispatch loops forever: exit 1, the write as a vsgi route line", () => {
    const file = engine("dispatch-loops.ts", TS_DISPATCH_LOOPS);
    const { timeout: t } = assertStopped(file, "dispatch");
    assert.ok(t.sender !== undefined && t.value !== undefined);
    assert.equal(t.route, `vsgi route --topology ${t.topology!} --sender ${String(t.sender)} ${t.value} --engine ${file}${t.route!.endsWith(" --lenient") ? " --lenient" : ""}`);
  });

  it("a C engine whose dispatch loops forever in native code: exit 1, the write as a vsgi route line", () => {
    const file = engine("c_dispatch_loops.c", C_DISPATCH_LOOPS);
    const { timeout: t } = assertStopped(file, "dispatch");
    assert.match(t.route ?? "", new RegExp(`^vsgi route --topology \\S+ --sender ${String(t.sender)} ${t.value!} --engine ${file}`));
  });

  it("a TS engine whose prepare loops forever: exit 1, naming prepare and the layout", () => {
    const { timeout: t } = assertStopped(engine("prepare-loops.ts", TS_PREPARE_LOOPS), "prepare");
    assert.equal(t.route, undefined, "no write was made");
  });

  it("a correct TS engine under the same short limit still passes", () => {
    const file = new URL("../../examples/engines/sorted-bsearch.ts", import.meta.url).pathname;
    const r = runCli(["check", file, "--seed", "7", "--runs", "20", "--timeout-ms", "5000"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PASS: /m);
  });

  it("--timeout-ms must be a number", () => {
    const r = runCli(["check", "examples/engines/sorted-bsearch.ts", "--timeout-ms", "soon"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timeout-ms/);
  });
});
