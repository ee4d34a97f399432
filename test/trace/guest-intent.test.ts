/**
 * The repository's captures carry the guest's own ipi_raise events (`@@F` console lines): they
 * import as ftrace, nearly all of them match a write QEMU logged in the traced window, and on the
 * 20-vCPU guest (clusters 0..15 and 16..19) every cpumask Linux split across clusters is found
 * in QEMU's log write for write — a real-guest check of src/workload/linux-gicv3.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { presetTopology } from "../../src/topology/index.ts";
import { compareIntent } from "../../src/trace/intent.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { fixture, OWN_FIXTURES } from "./support.ts";

/** Clusters (of 16 CPUs) a `%*pb` cpumask touches, read with BigInt: an independent count. */
function clustersOf(mask: string): number {
  const v = BigInt(`0x${mask.replaceAll(",", "")}`);
  let n = 0;
  for (let c = 0n; v >> (c * 16n) !== 0n; c++) if (((v >> (c * 16n)) & 0xffffn) !== 0n) n++;
  return n;
}

describe("guest intent (ipi_raise) against QEMU's writes", () => {
  for (const n of [4, 8, 20]) {
    const base = `qemu-virt-${String(n)}vcpu-linux6.1-vsgi-capture`;
    it(`${base}: the console's ipi_raise lines replay as ftrace and match QEMU's writes`, async () => {
      const consolePath = fixture(OWN_FIXTURES, `${base}.console`);
      const lines = readFileSync(consolePath, "utf8").split("\n").filter((l) => /^@@F .*ipi_raise: /.test(l));
      const masks = lines.map((l) => /target_mask=([0-9a-f,]+)/.exec(l)![1]!);
      const expectedWrites = masks.reduce((a, m) => a + clustersOf(m), 0);
      const expectedSplit = masks.filter((m) => clustersOf(m) > 1).length;
      const r = await replayTrace(consolePath, { format: "ftrace", topology: `qemu:${String(n)}` });
      assert.equal(r.stats.ipis, lines.length);
      assert.equal(r.writes, expectedWrites);
      for (const e of Object.values(r.engines)) if ("mismatches" in e) assert.equal(e.mismatches, 0);
      const i = await compareIntent(fixture(OWN_FIXTURES, `${base}.log.gz`), consolePath, presetTopology(`qemu:${String(n)}`));
      assert.equal(i.intentWrites, expectedWrites);
      assert.ok(i.window.from < i.window.to);
      // Only writes at the window's two edges may differ (measured: ≤ 23 of ~1000 or more).
      assert.ok(i.matched >= 0.97 * i.intentWrites && i.matched >= 0.97 * i.qemuWrites, JSON.stringify(i));
      assert.equal(i.onlyInQemu + i.matched, i.qemuWrites);
      assert.equal(i.splitIpis, expectedSplit);
      assert.equal(i.splitIpisInLog, i.splitIpis, "every split cpumask's writes are in QEMU's log");
      if (n > 16) assert.ok(i.splitIpis >= 10, `the 20-vCPU guest sends cross-cluster cpumasks (${String(i.splitIpis)})`);
    });
  }
});
