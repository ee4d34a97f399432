/**
 * Real-trace mixes: `vsgi replay`'s statistics of the bundled QEMU fixtures equal the grep-level
 * counts committed with the workload model, and a profile fitted from them through the model's
 * trace path reproduces them within the stated tolerance.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { traceMix } from "../../src/model/trace.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { FIXTURE_SEGMENTS, generateLinuxStream, maxShareDifference, streamStats } from "../../src/workload/index.ts";

const FIXTURES = new URL("../../fixtures/shared/", import.meta.url);
const SHARE_TOLERANCE = 0.01;

describe("trace mixes from the bundled fixtures", () => {
  for (const seg of FIXTURE_SEGMENTS.filter((s) => s.segment === "(whole file)")) {
    const path = new URL(seg.file, FIXTURES).pathname;
    it(`${seg.file}: replay stats = grep counts; fitted profile reproduces them within ±${String(SHARE_TOLERANCE)}`, async () => {
      assert.ok(existsSync(path), `fixture missing: ${path}`);
      const mix = await traceMix(path);
      assert.equal(mix.vcpus, seg.vcpus);
      assert.equal(mix.writes, seg.stats.writes);
      assert.deepEqual(mix.stats.targetsPerWrite, seg.stats.targetsPerWrite);
      assert.deepEqual(mix.stats.byIntid, seg.stats.byIntid);
      assert.equal(mix.stats.irm, 0);
      const t = presetTopology(`qemu:${String(mix.vcpus)}`);
      const got = streamStats(t, generateLinuxStream(t, mix.workload.profile, 40_000, 99));
      assert.ok(Math.abs(got.unicastShare! - mix.stats.unicastShare) <= SHARE_TOLERANCE);
      assert.ok(maxShareDifference(got.byIntid, mix.stats.byIntid) <= SHARE_TOLERANCE);
      assert.ok(maxShareDifference(got.targetsPerWrite, mix.stats.targetsPerWrite) <= SHARE_TOLERANCE);
    });
  }
});
