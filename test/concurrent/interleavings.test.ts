/**
 * The injection protocol, explored interleaving by interleaving: the real atomic protocol never
 * loses or invents an SGI; the plain read-modify-write protocol is caught every time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { exploreAll, interleavingCount, runScheduled, threadLengths } from "../../src/concurrent/interleavings.ts";
import { SCENARIOS, SCHEDULER_SCENARIO } from "../../src/concurrent/scenarios.ts";

/** Racy explorations above this many interleavings are sampled with fc.scheduler instead (test time). */
const EXHAUSTIVE_LIMIT = 50_000;

describe("interleaving count", () => {
  it("is the multinomial coefficient", () => {
    assert.equal(interleavingCount([1, 1]), 2);
    assert.equal(interleavingCount([2, 2]), 6);
    assert.equal(interleavingCount([2, 7]), 36);
    assert.equal(interleavingCount([1, 1, 8]), 90);
    assert.equal(interleavingCount([4, 4, 1]), 630);
  });
});

describe("exhaustive exploration", () => {
  for (const scenario of SCENARIOS) {
    it(`atomic protocol: no lost, phantom or unkicked SGI in any interleaving — ${scenario.name}`, () => {
      const r = exploreAll(scenario, "atomic");
      assert.equal(r.interleavings, interleavingCount(threadLengths(scenario, "atomic")));
      assert.equal(r.violating, 0, JSON.stringify(r.first));
    });
    if (interleavingCount(threadLengths(scenario, "racy")) <= EXHAUSTIVE_LIMIT) {
      it(`racy protocol is caught — ${scenario.name}`, () => {
        const r = exploreAll(scenario, "racy");
        assert.ok(r.violating > 0, `${String(r.interleavings)} interleavings, none caught`);
        assert.ok(r.first !== null && r.first.lost + r.first.phantom + Math.abs(r.first.kickMismatch) > 0);
      });
    }
  }

  it("racy protocol with two senders on one word: exactly the 4 orders with both reads before both writes lose an SGI", () => {
    // Orders of r0 w0 / r1 w1: 6; a write erases the other's bit iff both reads precede both writes.
    const r = exploreAll(SCENARIOS[0]!, "racy");
    assert.equal(r.interleavings, 6);
    assert.equal(r.violating, 4);
    assert.equal(r.first?.lost, 1);
    assert.deepEqual(r.first?.schedule, ["send0:read", "send1:read", "send0:write+kick", "send1:write+kick"]);
  });

  it("racy sender beside an acknowledge of its neighbour loses the new SGI when the acknowledge writes back a stale word", () => {
    const r = exploreAll(SCENARIOS[1]!, "racy");
    assert.equal(r.interleavings, 36);
    assert.ok(r.first !== null && r.first.lost === 1);
    const s = r.first.schedule;
    // The loss needs: the acknowledge's pending-read before the send's write, its pending-write after.
    assert.ok(s.indexOf("ack1:0:pending-read") < s.indexOf("send0:write+kick"));
    assert.ok(s.indexOf("send0:write+kick") < s.indexOf("ack1:0:pending-write"));
  });
});

describe("fc.scheduler exploration", () => {
  const big = [SCHEDULER_SCENARIO, ...SCENARIOS.filter((s) => interleavingCount(threadLengths(s, "racy")) > EXHAUSTIVE_LIMIT)];
  for (const scenario of big) {
    it(`atomic protocol holds for 300 scheduled orders — ${scenario.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const v = await runScheduled(scenario, "atomic", s);
          assert.equal(v, null, JSON.stringify(v));
        }),
        { seed: 7, numRuns: 300 },
      );
    });
    for (const seed of [1, 2, 3]) {
      it(`racy protocol is caught within 300 scheduled orders (seed ${String(seed)}) — ${scenario.name}`, async () => {
        const out = await fc.check(
          fc.asyncProperty(fc.scheduler(), async (s) => (await runScheduled(scenario, "racy", s)) === null),
          { seed, numRuns: 300 },
        );
        assert.equal(out.failed, true, "no violating order found");
      });
    }
  }
});
