/**
 * The worker-thread stress test as a bounded smoke test: ≥ 10^6 writes from real threads into
 * one shared atomic SGI state, no SGI lost or invented. (The racy variant is caught by the
 * interleaving exploration, not here: real threads catch it only by luck.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { runStress, verifyStress, type ReceiverReport, type SenderReport } from "../../src/concurrent/stress.ts";

const sender = (deliveries: number, coalesced: number): SenderReport => ({
  role: "sender",
  writes: deliveries,
  deliveries,
  mismatched: 0,
  coalesced,
  kicks: deliveries - coalesced,
  unicast: deliveries,
  multicast: 0,
  broadcast: 0,
});
const receiver = (acknowledged: number, phantom = 0): ReceiverReport => ({ role: "receiver", acknowledged, phantom, passes: 1 });

describe("stress verdict", () => {
  it("passes when the last acknowledge of every pair read all its tickets and counts balance", () => {
    // Pair 0: 3 sends, 2 coalesced into one acknowledge; pair 5: 1 send, 1 acknowledge.
    const started = Int32Array.from([3, 0, 0, 0, 0, 1]);
    const covered = Int32Array.from([3, 0, 0, 0, 0, 1]);
    const v = verifyStress(started, covered, [sender(4, 2)], [receiver(2)]);
    assert.deepEqual(v, { sent: 4, acknowledged: 2, coalesced: 2, lost: 0, phantom: 0, kicks: 2 });
  });

  it("counts tickets no acknowledge read as lost", () => {
    const v = verifyStress(Int32Array.from([3, 2]), Int32Array.from([1, 2]), [sender(5, 2)], [receiver(3)]);
    assert.equal(v.lost, 2);
  });

  it("counts a kick never acknowledged as lost and a surplus acknowledge as phantom", () => {
    assert.equal(verifyStress(Int32Array.from([2]), Int32Array.from([2]), [sender(2, 0)], [receiver(1)]).lost, 1);
    assert.equal(verifyStress(Int32Array.from([2]), Int32Array.from([2]), [sender(2, 1)], [receiver(2)]).phantom, 1);
    assert.equal(verifyStress(Int32Array.from([2]), Int32Array.from([2]), [sender(2, 0)], [receiver(2, 1)]).phantom, 1);
  });
});

describe("worker-thread stress", () => {
  it("loses and invents nothing over 10^6 writes from 2 senders to 2 receivers on kvm:512", async () => {
    const r = await runStress({ workers: 4, writes: 1_000_000, topology: "kvm:512", engine: "vsgi", seed: 42 });
    assert.equal(r.writes, 1_000_000);
    assert.equal(r.unicast + r.multicast + r.broadcast, 1_000_000);
    assert.ok(r.multicast > 0 && r.broadcast > 0, "every write kind was exercised");
    assert.equal(r.lost, 0);
    assert.equal(r.phantom, 0);
    assert.ok(r.acknowledged > 0);
    assert.equal(r.sent, r.acknowledged + r.coalesced);
    assert.equal(r.kicks, r.acknowledged, "one kick per acknowledged SGI");
  });

  it("works on a sparse layout with another engine", async () => {
    const r = await runStress({ workers: 2, writes: 50_000, topology: "sparse:96", engine: "kvm-mpidr-index", seed: 3 });
    assert.equal(r.lost, 0);
    assert.equal(r.phantom, 0);
    assert.equal(r.sent, r.acknowledged + r.coalesced);
  });
});

describe("vsgi stress (the built binary)", () => {
  it("prints the JSON verdict and exits 0", () => {
    const p = spawnSync(process.execPath, ["bin/vsgi.js", "stress", "--workers", "2", "--writes", "1e5", "--vcpus", "64", "--json"], { encoding: "utf8" });
    assert.equal(p.status, 0, p.stderr);
    const out = JSON.parse(p.stdout) as Record<string, number>;
    for (const k of ["sent", "acknowledged", "coalesced", "lost", "phantom", "seconds"]) assert.equal(typeof out[k], "number", k);
    assert.equal(out.lost, 0);
    assert.equal(out.phantom, 0);
    assert.equal(out.writes, 100_000);
    assert.equal(out.vcpus, 64);
  });

  it("refuses a vCPU count above the maximum, too few workers and an unknown engine", () => {
    for (const [args, msg] of [
      [["--vcpus", "4097"], /above the supported maximum of 4096/],
      [["--workers", "1"], /too few/],
      [["--engine", "nope"], /unknown engine/],
      [["--writes", "-5"], /not a count/],
    ] as const) {
      const p = spawnSync(process.execPath, ["bin/vsgi.js", "stress", ...args], { encoding: "utf8" });
      assert.equal(p.status, 2);
      assert.match(p.stderr, msg);
      assert.equal(p.stdout, "");
    }
  });
});
