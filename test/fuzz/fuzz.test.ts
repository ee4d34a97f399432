/**
 * Fuzzing in CI: 10^4 fast-check cases per target with a fixed seed (`npm run fuzz` runs 10^6).
 * Only typed errors may come out of bad input; valid input must decode as an independent oracle says.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fuzz, oversizedTopologyRejected, TARGETS } from "./targets.ts";

const RUNS = 10_000;
const SEED = 20261126;

describe("fuzz (10^4 cases per target, seed 20261126)", () => {
  for (const target of TARGETS) {
    it(`${target.name}: only typed errors`, async () => {
      const o = await fuzz(target, target.testRuns ?? RUNS, SEED);
      assert.equal(o.failed, false, o.message);
      assert.equal(o.runs, target.testRuns ?? RUNS);
    });
  }

  it("refuses a topology JSON document over the size limit before parsing it", () => {
    assert.equal(oversizedTopologyRejected(), true);
  });
});
