/**
 * The repository's captures carry the guest's own ipi_raise events (`@@F` console lines): they
 * import as ftrace, and nearly all of them match a write QEMU logged in the traced window.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { presetTopology } from "../../src/topology/index.ts";
import { compareIntent } from "../../src/trace/intent.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { fixture, OWN_FIXTURES } from "./support.ts";

describe("guest intent (ipi_raise) against QEMU's writes", () => {
  for (const n of [4, 8]) {
    const base = `qemu-virt-${String(n)}vcpu-linux6.1-vsgi-capture`;
    it(`${base}: the console's ipi_raise lines replay as ftrace and match QEMU's writes`, async () => {
      const consolePath = fixture(OWN_FIXTURES, `${base}.console`);
      const lines = readFileSync(consolePath, "utf8").split("\n").filter((l) => /^@@F .*ipi_raise: /.test(l));
      const r = await replayTrace(consolePath, { format: "ftrace", topology: `qemu:${String(n)}` });
      // ≤ 16 vCPUs form one cluster: each IPI is one write.
      assert.equal(r.stats.ipis, lines.length);
      assert.equal(r.writes, lines.length);
      for (const e of Object.values(r.engines)) if ("mismatches" in e) assert.equal(e.mismatches, 0);
      const i = await compareIntent(fixture(OWN_FIXTURES, `${base}.log.gz`), consolePath, presetTopology(`qemu:${String(n)}`));
      assert.equal(i.intentWrites, lines.length);
      assert.ok(i.window.from < i.window.to);
      // Only writes at the window's two edges may differ (measured: ≤ 18 of > 1000).
      assert.ok(i.matched >= 0.97 * i.intentWrites && i.matched >= 0.97 * i.qemuWrites, JSON.stringify(i));
      assert.equal(i.onlyInQemu + i.matched, i.qemuWrites);
    });
  }
});
