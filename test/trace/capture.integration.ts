/**
 * Integration (`npm run test:capture`, run by .ci/run after `npm test`): real captures with
 * `vsgi capture` under QEMU TCG, each replayed with 0 mismatches.
 *
 * - a 4-vCPU Debian Linux guest running two workloads (idle, hackbench);
 * - vsgi's own bare-metal SGI test image (scripts/capture/sgi-test, built here with Debian's
 *   aarch64 cross compiler) on a GICv3 board (IRM and multicast ICC_SGI1R_EL1 writes) and on a
 *   GICv2 board (GICD_SGIR, checked by the GICv2 oracle).
 *
 * As root, capture installs qemu-system-arm and downloads the guest's Debian packages. Nothing
 * here skips: without apt, QEMU or the cross compiler a test fails and says what is missing.
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

interface CaptureJson {
  replay: {
    writes: number;
    deliveries: number;
    stats: { irm: number; targetsPerWrite: Record<string, number> };
    oracle: { checked: number; mismatches: number };
    engines: Record<string, { mismatches?: number }>;
    gicv2?: { writes: number; acknowledged: number; eoisChecked: number; pendingAtEnd: number; mismatches: number };
  };
}

function capture(args: string[], seconds: number): CaptureJson {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "capture", ...args, "--timeout", String(seconds - 30), "--json"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: seconds * 1000,
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, `vsgi capture ${args.join(" ")} failed (status ${String(r.status)}${r.signal !== null ? `, ${r.signal}` : ""}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as CaptureJson;
}

function buildTestImage(): string {
  const elf = join(tmp.dir, "sgi-test.elf");
  const r = spawnSync("sh", [join(REPO_ROOT, "scripts/capture/sgi-test/build.sh"), elf], { encoding: "utf8" });
  assert.equal(r.status, 0, `building the bare-metal SGI test needs Debian's aarch64 cross compiler (apt-get install gcc-aarch64-linux-gnu):\n${r.stderr}`);
  return elf;
}

describe("vsgi capture on this machine", () => {
  it("captures a 4-vCPU Linux guest (idle, hackbench) and replays it with 0 mismatches", { timeout: 840_000 }, () => {
    const out = join(tmp.dir, "linux-4vcpu.log.gz");
    const { replay } = capture(["--vcpus", "4", "--seconds", "1", "--workload", "idle,hackbench", "--ipi-raise", "--out", out], 780);
    const text = gunzipSync(readFileSync(out)).toString("utf8");
    const writes = text.split("\n").filter((l) => l.includes(":gicv3_icc_generate_sgi ")).length;
    const deliveries = text.split("\n").filter((l) => l.includes(":gicv3_redist_send_sgi ")).length;
    assert.ok(writes > 100, `a booting 4-vCPU guest sends hundreds of SGIs (got ${String(writes)})`);
    assert.equal(replay.writes, writes);
    assert.equal(replay.deliveries, deliveries);
    assert.equal(replay.oracle.checked, writes);
    assert.equal(replay.oracle.mismatches, 0);
    for (const [name, e] of Object.entries(replay.engines)) assert.equal(e.mismatches ?? 0, 0, name);
    const consoleText = readFileSync(join(tmp.dir, "linux-4vcpu.console"), "utf8");
    assert.match(consoleText, /@@M hackbench END rc=0/);
    assert.match(consoleText, /@@F .*ipi_raise: target_mask=/);
  });

  it("boots vsgi's bare-metal SGI test on GICv3 (IRM, multicast) and on GICv2; both replay with 0 mismatches", { timeout: 400_000 }, () => {
    const elf = buildTestImage();
    const v3 = capture(["--vcpus", "4", "--kernel", elf, "--append", "vsgi-sgi-test", "--memory", "256", "--out", join(tmp.dir, "sgi-test-v3.log.gz")], 180).replay;
    assert.ok(v3.writes > 100, `writes ${String(v3.writes)}`);
    assert.ok(v3.stats.irm > 0, "IRM writes");
    assert.ok(Object.keys(v3.stats.targetsPerWrite).some((k) => Number(k) > 1), "multicast writes");
    assert.equal(v3.oracle.checked, v3.writes);
    assert.equal(v3.oracle.mismatches, 0);
    for (const [name, e] of Object.entries(v3.engines)) assert.equal(e.mismatches ?? 0, 0, name);
    assert.match(readFileSync(join(tmp.dir, "sgi-test-v3.console"), "utf8"), /@@H sgi-test gic=3\n[^]*@@M sgi-test END rc=0/);

    const v2 = capture(["--gic-version", "2", "--vcpus", "4", "--kernel", elf, "--append", "vsgi-sgi-test", "--memory", "256", "--out", join(tmp.dir, "sgi-test-v2.log.gz")], 180).replay;
    assert.ok(v2.gicv2 !== undefined, "read as a GICv2 log");
    assert.ok(v2.gicv2.writes > 100 && v2.gicv2.acknowledged > 100, JSON.stringify(v2.gicv2));
    assert.equal(v2.gicv2.eoisChecked, v2.gicv2.acknowledged);
    assert.equal(v2.gicv2.pendingAtEnd, 0);
    assert.equal(v2.gicv2.mismatches, 0);
    assert.match(readFileSync(join(tmp.dir, "sgi-test-v2.console"), "utf8"), /@@H sgi-test gic=2\n[^]*@@M sgi-test END rc=0/);
  });
});
