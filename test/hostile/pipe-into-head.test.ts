/**
 * Issue 17, item 11, for every command: `vsgi <cmd> … | head -1` stops quietly (status 0 or 141,
 * nothing on stderr), whatever the command was writing when the reader went away.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TRACE = "fixtures/shared/qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz";
const SMALL_BENCH = "--vcpus 4 --layouts kvm --engines vsgi,kvm-linear --workloads unicast-random --rounds 1 --no-native --no-memory --no-isolate --no-progress";

const COMMANDS = [
  "decode 0x1000002",
  "decode 0x1000002 --json",
  "route 0x10000ff --sender 0 --topology kvm:4096",
  "route 0x10000ff --sender 0 --topology kvm:4096 --json",
  `replay ${TRACE}`,
  `replay ${TRACE} --json`,
  `export ${TRACE} --out -`,
  "model",
  "model --json",
  `bench ${SMALL_BENCH}`,
  `bench ${SMALL_BENCH} --json`,
  "stress --model",
  "stress --workers 2 --writes 1000 --json",
  "check examples/engines/sorted-bsearch.ts",
  "--help",
];

describe("every command piped into head -1", () => {
  for (const cmd of COMMANDS) {
    it(`vsgi ${cmd} | head -1 exits 0 or 141 with nothing on stderr`, () => {
      const r = spawnSync("bash", ["-c", `"${process.execPath}" bin/vsgi.js ${cmd} | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
      assert.ok(["0", "141"].includes(r.stdout.trim()), `status ${r.stdout.trim()}: ${r.stderr.slice(0, 300)}`);
      assert.equal(r.stderr, "");
    });
  }
});
