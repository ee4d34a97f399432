/**
 * Integration: a real capture with `vsgi capture` (QEMU TCG, 4 vCPUs, a few seconds of
 * workloads) and its replay with 0 mismatches. Boots a guest and may install Debian packages
 * when root, so it is not part of `npm test`; run it with `npm run test:capture` (bounded to 10 min).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { REPO_ROOT, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

describe("vsgi capture on this machine", () => {
  it("captures a 4-vCPU Linux guest and replays it with 0 mismatches", { timeout: 600_000 }, () => {
    const out = join(tmp.dir, "cap-4vcpu.log.gz");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "capture", "--vcpus", "4", "--seconds", "2", "--workload", "idle,hackbench,membarrier", "--ipi-raise", "--timeout", "540", "--out", out, "--json"],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 590_000, maxBuffer: 64 << 20 },
    );
    assert.equal(r.status, 0, `capture failed:\n${r.stderr}`);
    const { replay } = JSON.parse(r.stdout) as { replay: { writes: number; deliveries: number; oracle: { checked: number; mismatches: number }; engines: Record<string, { mismatches?: number }> } };
    const text = gunzipSync(readFileSync(out)).toString("utf8");
    const writes = text.split("\n").filter((l) => l.includes(":gicv3_icc_generate_sgi ")).length;
    const deliveries = text.split("\n").filter((l) => l.includes(":gicv3_redist_send_sgi ")).length;
    assert.ok(writes > 100, `a booting 4-vCPU guest sends hundreds of SGIs (got ${String(writes)})`);
    assert.equal(replay.writes, writes);
    assert.equal(replay.deliveries, deliveries);
    assert.equal(replay.oracle.checked, writes);
    assert.equal(replay.oracle.mismatches, 0);
    for (const [name, e] of Object.entries(replay.engines)) assert.equal(e.mismatches, 0, name);
    const consoleText = readFileSync(join(tmp.dir, "cap-4vcpu.console"), "utf8");
    assert.match(consoleText, /@@M membarrier END rc=0/);
    assert.match(consoleText, /@@F .*ipi_raise: target_mask=/);
  });
});
