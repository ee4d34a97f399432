/**
 * `vsgi check` catches deliberately broken engines (test/check/broken/) with a shrunk
 * counterexample, and the `vsgi route` line it prints shows the same disagreement when run.
 * Each variant's test states what its bug must look like in the counterexample, from the
 * architecture's rule (IHI 0069 §12.2), not from the checker's own output.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unpackAffinity } from "../../src/arch/mpidr.ts";
import { decodeSgiRegister } from "../../src/arch/sgi-register.ts";
import { checkEngine, type Counterexample } from "../../src/check/check.ts";
import { loadEngineFile } from "../../src/check/load.ts";
import { loadTopology } from "../../src/topology/index.ts";
import type { Topology } from "../../src/topology/topology.ts";
import { runCli } from "../support/cli.ts";

const SEED = 11;
const RUNS = 200;
const dir = new URL("./broken/", import.meta.url);

async function counterexampleOf(file: string): Promise<{ c: Counterexample; t: Topology; path: string }> {
  const path = new URL(file, dir).pathname;
  const report = await checkEngine(await loadEngineFile(path), { seed: SEED, runs: RUNS });
  assert.equal(report.verdict, "counterexample");
  const c = report.counterexample;
  assert.ok(c !== undefined && c.from === "property", "the random cases find it first");
  assert.equal(c.seed, SEED);
  assert.ok((c.shrinks ?? 0) > 0, "the case was shrunk");
  const t = loadTopology(c.topology);
  assert.ok(t.count <= 16, `shrunk to a small VM, got ${String(t.count)} vCPUs`);
  assert.match(c.rerun ?? "", new RegExp(`--seed ${String(SEED)}`));
  return { c, t, path };
}

const minus = (a: readonly number[], b: readonly number[]): number[] => a.filter((x) => !b.includes(x));

/** Runs the printed `vsgi route …` line and checks the engine's and the reference's targets there. */
function rerunShowsIt(c: Counterexample, engine: string): void {
  const args = c.route.split(" ").slice(1);
  const r = runCli([...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { targets: number[]; engines: Record<string, { targets?: number[] }> };
  assert.deepEqual(out.targets, c.expected);
  assert.deepEqual(out.engines[engine]?.targets, c.actual);
}

describe("vsgi check on broken engines", () => {
  it("an off-by-one at Aff0 = 15: a vCPU with Aff0 15 is missed", async () => {
    const { c, t } = await counterexampleOf("off-by-one-aff0-15.ts");
    const missed = minus(c.expected, c.actual);
    assert.ok(missed.length > 0 && missed.every((v) => unpackAffinity(t.affinity[v]!).aff0 === 15), `missed ${String(missed)}`);
    rerunShowsIt(c, "off-by-one-aff0-15");
  });

  it("IRM delivering to the sender: the sender is among the actual targets of an IRM write", async () => {
    const { c } = await counterexampleOf("irm-to-sender.ts");
    assert.equal(decodeSgiRegister(c.value, 0, { strict: false }).irm, 1);
    assert.deepEqual(minus(c.actual, c.expected), [c.sender]);
    rerunShowsIt(c, "irm-to-sender");
  });

  it("RS honoured without RSS: a write with RS ≠ 0 on a VM without RSS misses its targets", async () => {
    const { c, t } = await counterexampleOf("rs-without-rss.ts");
    assert.equal(t.rss, false);
    assert.notEqual(decodeSgiRegister(c.value, 0, { strict: false }).rs, 0);
    assert.ok(minus(c.expected, c.actual).length > 0);
    rerunShowsIt(c, "rs-without-rss");
  });

  it("a cluster lookup ignoring Aff2: it reaches a vCPU whose Aff2 differs from the write's", async () => {
    const { c, t } = await counterexampleOf("ignores-aff2.ts");
    const w = decodeSgiRegister(c.value, 0, { strict: false });
    const extra = minus(c.actual, c.expected);
    assert.ok(extra.length > 0 && extra.every((v) => unpackAffinity(t.affinity[v]!).aff2 !== w.aff2), `extra ${String(extra)}`);
    rerunShowsIt(c, "ignores-aff2");
  });

  it("a C engine dropping the last target: exactly the highest expected id is missing", async () => {
    const { c } = await counterexampleOf("drops-last-target.c");
    assert.ok(c.expected.length >= 2);
    assert.deepEqual(minus(c.expected, c.actual), [Math.max(...c.expected)]);
    assert.deepEqual(minus(c.actual, c.expected), []);
    rerunShowsIt(c, "drops-last-target");
  });

  it("the CLI exits 1 and prints the counterexample, the route line and the seed", () => {
    const r = runCli(["check", new URL("drops-last-target.c", dir).pathname, "--seed", String(SEED), "--runs", String(RUNS)]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /COUNTEREXAMPLE \(random case, seed 11, shrunk in \d+ steps\)/);
    assert.match(r.stdout, /re-run: vsgi route --topology \S+ --sender \d+ 0x[0-9a-f]+ --engine \S+drops-last-target\.c/);
    assert.match(r.stdout, /expected targets: .*\n\s+actual targets: /);
    assert.match(r.stdout, /^FAIL: /m);
  });

  it("the broken engines also fail conformance vectors and real traces, where their bug shows", async () => {
    const report = await checkEngine(await loadEngineFile(new URL("drops-last-target.c", dir).pathname), { seed: SEED, runs: 10 });
    assert.ok(report.vectors.failed.some((f) => f.id === "kut-gicv3-ipi-target-list"));
    assert.ok(report.traces.traces.some((t) => "mismatches" in t && t.mismatches > 0));
  });
});
