/**
 * `--engine` beyond check: bench times a TS plugin in its cell workers beside the built-ins and a
 * C plugin in the native plugin bench; replay, route and the report's explorer see plugins too.
 * Only deterministic figures (visits, targets, who ran) are asserted, never timings.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildExplorerBundle } from "../../src/report/bundle.ts";
import { runCli } from "../support/cli.ts";
import { assertMatchesSchema } from "../support/schema.ts";

const ts = new URL("../../examples/engines/sorted-bsearch.ts", import.meta.url).pathname;
const c = new URL("../../examples/engines/sorted-bsearch.c", import.meta.url).pathname;

describe("--engine in bench, replay and the explorer", () => {
  it("bench: the TS plugin in the JS cells, the C plugin natively, complexity rows for both", () => {
    const r = runCli(
      ["bench", "--topologies", "kvm:16", "--workloads", "unicast-last-cluster,broadcast-irm", "--engine", ts, "--engine", c, "--no-memory", "--no-progress", "--rounds", "1", "--writes", "32", "--pass-ms", "0.02", "--json"],
      { timeoutMs: 180_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      results: { engine: string; workload: string; visitsPerWrite: number }[];
      plugins: { engines: { name: string; timed: string }[]; native: { ran: boolean; runs: { samples: { engine: string; workload: string; visits: number; writes: number; mismatches: number }[] }[] }; complexity: { engine: string }[] };
    };
    assertMatchesSchema("bench", out);
    const tsRow = out.results.find((x) => x.engine === "sorted-bsearch-ts" && x.workload === "unicast-last-cluster");
    assert.ok(tsRow !== undefined, "the TS plugin is timed beside the built-ins");
    // A binary search over 16 sorted affinities takes 1 to ⌊log2 16⌋ + 1 = 5 probes; IRM counts n.
    assert.ok(tsRow.visitsPerWrite >= 1 && tsRow.visitsPerWrite <= 5, String(tsRow.visitsPerWrite));
    assert.equal(out.results.find((x) => x.engine === "sorted-bsearch-ts" && x.workload === "broadcast-irm")?.visitsPerWrite, 16);
    assert.ok(!out.results.some((x) => x.engine === "sorted-bsearch"), "the C plugin is not timed through Node-API in the JS cells");
    assert.deepEqual(out.plugins.engines.map((e) => [e.name, e.timed]), [["sorted-bsearch-ts", "js cells"], ["sorted-bsearch", "native plugin bench"]]);
    assert.equal(out.plugins.native.ran, true);
    const native = out.plugins.native.runs[0]!.samples.filter((s) => s.engine === "sorted-bsearch");
    assert.equal(native.length, 2);
    for (const s of native) assert.equal(s.mismatches, 0);
    const last = native.find((s) => s.workload === "unicast-last-cluster")!;
    assert.equal(last.visits, tsRow.visitsPerWrite * last.writes, "the C and TS binary searches probe alike on the same writes");
    assert.equal(native.find((s) => s.workload === "broadcast-irm")!.visits, 16 * 32);
    assert.deepEqual([...new Set(out.plugins.complexity.map((x) => x.engine))], ["kvm-linear", "kvm-mpidr-index", "vsgi", "sorted-bsearch-ts", "sorted-bsearch"]);
  });

  it("replay: both plugins replay a real trace with 0 mismatches beside the built-ins", () => {
    const trace = new URL("../../fixtures/qemu-virt-8vcpu-linux6.1-vsgi-capture.log.gz", import.meta.url).pathname;
    const r = runCli(["replay", trace, "--topology", "qemu:8", "--engine", ts, "--engine", c, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const engines = (JSON.parse(r.stdout) as { engines: Record<string, { mismatches: number }> }).engines;
    assert.equal(engines["sorted-bsearch-ts"]?.mismatches, 0);
    assert.equal(engines["sorted-bsearch"]?.mismatches, 0);
  });

  it("the explorer bundle registers a TS plugin before the explorer runs", async () => {
    const js = await buildExplorerBundle([{ name: "sorted-bsearch-ts", file: ts }]);
    const reg = js.indexOf('"sorted-bsearch-ts"');
    assert.ok(reg >= 0);
    assert.ok(js.includes("x-preset"), "the explorer itself is in the bundle");
    assert.ok(reg < js.lastIndexOf("x-preset"), "the plugin is registered before the explorer's code");
  });
});
