/**
 * The Linux-guest workload model: profiles fitted from the real fixture traces reproduce those
 * traces' statistics; the generator is a pure function of its seed; cpumasks split as Linux does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiRegister } from "../../src/arch/sgi-register.ts";
import { joinU64 } from "../../src/arch/value.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { Topology } from "../../src/topology/topology.ts";
import {
  FIXTURE_SEGMENTS,
  fitProfile,
  generateLinuxStream,
  getProfile,
  intidMixByName,
  linuxSgi1rWrites,
  linuxWorkload,
  maxShareDifference,
  multicastTargets,
  PROFILE_NAMES,
  PROFILES,
  streamStats,
} from "../../src/workload/index.ts";

/** Tolerance on every share (unicast share, each INTID's share, each targets-per-write bin). */
const SHARE_TOLERANCE = 0.01;
const GENERATED_WRITES = 40_000;

describe("profile fitted from a fixture reproduces its stats", () => {
  const qemu4 = presetTopology("qemu:4");
  for (const seg of FIXTURE_SEGMENTS.filter((s) => s.stats.writes >= 200)) {
    it(`${seg.file} ${seg.segment} (${String(seg.stats.writes)} writes) within ±${String(SHARE_TOLERANCE)}`, () => {
      const profile = fitProfile(seg.segment, seg.stats, seg.vcpus, seg.file);
      const g = generateLinuxStream(qemu4, profile, GENERATED_WRITES, 12345);
      const got = streamStats(qemu4, g);
      assert.equal(got.writes, GENERATED_WRITES);
      assert.equal(got.irm, 0);
      assert.ok(Math.abs(got.unicastShare! - seg.stats.unicastShare!) <= SHARE_TOLERANCE, `unicast ${String(got.unicastShare)} vs ${String(seg.stats.unicastShare)}`);
      assert.ok(maxShareDifference(got.byIntid, seg.stats.byIntid) <= SHARE_TOLERANCE, `byIntid ${JSON.stringify(got.byIntid)} vs ${JSON.stringify(seg.stats.byIntid)}`);
      assert.ok(
        maxShareDifference(got.targetsPerWrite, seg.stats.targetsPerWrite) <= SHARE_TOLERANCE,
        `targetsPerWrite ${JSON.stringify(got.targetsPerWrite)} vs ${JSON.stringify(seg.stats.targetsPerWrite)}`,
      );
      // With one cluster every IPI is exactly one write.
      assert.equal(g.ipis, GENERATED_WRITES);
    });
  }

  it("the committed whole-file counts add up to the fixtures' README totals", () => {
    const whole = FIXTURE_SEGMENTS.filter((s) => s.segment === "(whole file)");
    assert.deepEqual(
      whole.map((s) => [s.file, s.stats.writes, s.deliveries]),
      [
        ["qemu-virt-4vcpu-linux6.1.log.gz", 29970, 29997],
        ["qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz", 1688, 1810],
      ],
    );
    for (const s of FIXTURE_SEGMENTS) {
      let targets = 0;
      for (const [k, v] of Object.entries(s.stats.targetsPerWrite)) targets += Number(k) * v;
      assert.equal(targets, s.deliveries, `${s.file} ${s.segment}: every addressed vCPU exists, so deliveries = Σ k·count`);
    }
  });
});

describe("generator", () => {
  const kvm64 = presetTopology("kvm:64");

  it("same seed gives the same writes, another seed other writes", () => {
    const a = linuxWorkload("linux:membarrier", kvm64, 2000, 9);
    const b = linuxWorkload("linux:membarrier", "kvm:64", 2000, 9);
    const c = linuxWorkload("linux:membarrier", kvm64, 2000, 10);
    assert.deepEqual([a.hi, a.lo, a.senders], [b.hi, b.lo, b.senders]);
    assert.notDeepEqual(a.lo, c.lo);
  });

  it("every profile yields writes Linux could make: no IRM unless the profile says so, never to the sender, to existing vCPUs", () => {
    for (const name of PROFILE_NAMES) {
      const p = getProfile(name);
      const g = generateLinuxStream(kvm64, p, 3000, 3);
      let irm = 0;
      for (let i = 0; i < g.hi.length; i++) {
        const w = decodeSgiRegister(joinU64(g.hi[i]!, g.lo[i]!));
        assert.ok(Object.keys(p.intids).includes(String(w.intid)), `${name}: INTID ${String(w.intid)}`);
        if (w.irm === 1) {
          irm++;
          assert.equal(w.targetList | w.aff1 | w.aff2 | w.aff3 | w.rs, 0, "Linux-style IRM writes carry no target fields");
          continue;
        }
        assert.notEqual(w.targetList, 0);
        for (let bit = 0; bit < 16; bit++) {
          if (((w.targetList >>> bit) & 1) === 0) continue;
          const v = kvm64.vcpuOf((w.aff1 << 8) | bit);
          assert.ok(v >= 0, `${name}: target Aff1 ${String(w.aff1)} bit ${String(bit)} exists`);
          assert.notEqual(v, g.senders[i], `${name}: no self IPI`);
        }
      }
      assert.equal(irm > 0, p.irmAllButSelf > 0, `${name}: IRM writes ${String(irm)}`);
    }
  });

  it("a multicast IPI takes one write per cluster it touches (16-vCPU clusters on kvm:64)", () => {
    const g = generateLinuxStream(kvm64, PROFILES["tlb-shootdown-like"], 20_000, 5);
    // Fractions 1/8, 1/4, 1/2 of 63 peers → 8, 16, 32 targets: ≤ 4 clusters, ≥ 1, ≥ 2 (32 > 16).
    assert.deepEqual([multicastTargets(0.125, 64), multicastTargets(0.25, 64), multicastTargets(0.5, 64)], [8, 16, 32]);
    const keys = Object.keys(g.clustersPerMulticast).map(Number);
    assert.ok(Math.min(...keys) >= 1 && Math.max(...keys) <= 4, JSON.stringify(g.clustersPerMulticast));
  });

  it("refuses a one-vCPU VM and unknown profiles", () => {
    assert.throws(() => linuxWorkload("linux:idle", "kvm:1", 10, 1), /at least 2 vCPUs/);
    assert.throws(() => linuxWorkload("linux:nope", "kvm:4", 10, 1), /unknown Linux workload profile "nope"/);
  });
});

describe("Linux cpumask → SGI1R split (SPEC §4)", () => {
  it("one write per run of consecutive CPUs in one cluster; an interleaved cluster gets several writes", () => {
    // Layout: CPU 0,2 in cluster Aff1=0; CPU 1 in Aff1=1 (interleaved in logical order).
    const t = new Topology("interleaved", [0x000, 0x100, 0x001], false);
    const writes = linuxSgi1rWrites(t, [2, 0, 1], 3);
    // Runs: {0} Aff1 0, {1} Aff1 1, {2} Aff1 0 — three writes, INTID 3 in bits 27:24.
    assert.deepEqual(
      writes.map((w) => joinU64(w.hi, w.lo)),
      [0x03000001n, 0x03010001n, 0x03000002n],
    );
  });

  it("RS = Aff0 >> 4 on an RSS layout", () => {
    // Aff0 0x23 = 35 → RS 2, bit 3; Aff0 0x24 → same RS, bit 4: one write, RS in bits 47:44.
    const t = new Topology("rss", [0x023, 0x024], true);
    const [w] = linuxSgi1rWrites(t, [0, 1], 1);
    assert.equal(joinU64(w!.hi, w!.lo), (2n << 44n) | 0x01000018n);
  });

  it("kvm:64 CPUs 1, 2, 17 → two writes (clusters 0 and 1)", () => {
    const writes = linuxSgi1rWrites(presetTopology("kvm:64"), [17, 1, 2], 1);
    assert.deepEqual(
      writes.map((w) => joinU64(w.hi, w.lo)),
      [0x01000006n, 0x01010002n],
    );
  });
});

describe("bench workload family linux:<profile>", () => {
  it("resolves through the bench registry and yields the generator's writes with IPI groups", async () => {
    const { resolveWorkload } = await import("../../src/bench/workloads.ts");
    const topology = presetTopology("kvm:64");
    const w = resolveWorkload("linux:tlb-shootdown-like");
    const b = await w.generate({ topology, writes: 500, seed: 4 });
    const g = generateLinuxStream(topology, PROFILES["tlb-shootdown-like"], 500, 4);
    assert.equal(w.name, "linux:tlb-shootdown-like");
    assert.deepEqual([b.count, b.hi, b.lo, b.sender, b.ipi], [500, g.hi, g.lo, g.senders, g.ipi]);
    assert.ok(b.register.every((r) => r === 0));
    assert.equal(w.unsupported?.(presetTopology("kvm:1")) !== undefined, true);
    assert.throws(() => resolveWorkload("linux:nope"), /unknown Linux workload profile/);
  });
});

describe("IPI names", () => {
  it("a profile's INTID mix reads as Linux's IPI names", () => {
    const mix = intidMixByName(PROFILES.hackbench);
    // hackbench_proc segment: 154 reschedule, 28904 function call writes.
    assert.ok(Math.abs(mix["Function call interrupts"]! - 28904 / 29058) < 1e-12);
    assert.ok(Math.abs(mix["Rescheduling interrupts"]! - 154 / 29058) < 1e-12);
  });
});
