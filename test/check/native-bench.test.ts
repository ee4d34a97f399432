/**
 * The native plugin bench: a C engine linked beside the C++ kvm-linear, kvm-mpidr-index and vsgi
 * (same ABI, same flags) and timed in one process. Checks what is deterministic: who ran, visits
 * (kvm-linear's IRM visits n per write), and the per-write target check against the rule —
 * timings are only printed by `vsgi bench`, never asserted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadEngineFiles } from "../../src/check/load.ts";
import { buildPluginBench, runPluginBench } from "../../src/check/native-bench.ts";
import { presetTopology } from "../../src/topology/presets.ts";

const example = new URL("../../examples/engines/sorted-bsearch.c", import.meta.url).pathname;
const broken = new URL("./broken/drops-last-target.c", import.meta.url).pathname;
const options = { writes: 64, rounds: 2, passMs: 0.05, seed: 1 };

describe("native plugin bench", () => {
  it("times C engines beside the C++ built-ins on the same writes, and flags wrong targets", async () => {
    const plugins = await loadEngineFiles([example, broken]);
    const bin = buildPluginBench(plugins);
    const run = await runPluginBench(bin, presetTopology("kvm:64"), options);
    assert.deepEqual(run.support.map((s) => s.engine), ["kvm-linear", "kvm-mpidr-index", "vsgi", "sorted-bsearch", "drops-last-target"]);
    assert.ok(run.support.every((s) => s.supported));
    const by = (w: string, e: string) => run.samples.find((s) => s.workload === w && s.engine === e)!;
    for (const e of ["kvm-linear", "kvm-mpidr-index", "vsgi", "sorted-bsearch"]) assert.equal(by("unicast-random", e).mismatches, 0, e);
    assert.equal(by("broadcast-irm", "kvm-linear").visits, 64 * by("broadcast-irm", "kvm-linear").writes);
    assert.equal(by("unicast-random", "vsgi").visits, by("unicast-random", "vsgi").writes, "one slot per unicast");
    assert.ok(by("multicast-cluster", "drops-last-target").mismatches > 0);
    assert.equal(by("unicast-random", "floor").ns.length, options.rounds);
  });

  it("reports an engine's refusal with its reason (C++ kvm-linear refuses RSS, as KVM does)", async () => {
    const bin = buildPluginBench(await loadEngineFiles([example]));
    const { Topology } = await import("../../src/topology/topology.ts");
    const rss = new Topology("rss-32", Array.from({ length: 32 }, (_, i) => i), true);
    const run = await runPluginBench(bin, rss, options);
    assert.match(run.support.find((s) => s.engine === "kvm-linear")?.reason ?? "", /RSS/);
    assert.equal(run.support.find((s) => s.engine === "sorted-bsearch")?.supported, true);
    assert.equal(run.samples.find((s) => s.engine === "sorted-bsearch" && s.workload === "unicast-random")?.mismatches, 0);
  });
});
