/**
 * Visits per write in bench reports: deterministic, so asserted exactly. Expected figures come
 * from the algorithms' cost rules (SPEC §5) applied to the generated writes here, not from the
 * engines. Timings in the same reports are never asserted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiInto, encodeSgiHiLo, newSgiWrite } from "../../src/arch/sgi-register.ts";
import { runBench } from "../../src/bench/run.ts";
import type { BenchReport, BenchResult } from "../../src/bench/types.ts";
import { WriteBatchBuilder } from "../../src/bench/batch.ts";
import { registerWorkload, resolveWorkload } from "../../src/bench/workloads.ts";
import { presetTopology } from "../../src/topology/presets.ts";

/** A run small enough for a test: one round, tiny passes, no anchor, no memory. */
async function tiny(topologies: string[], workloads: string[], writes = 256): Promise<BenchReport> {
  // In-thread: visits do not depend on JIT state, and a worker per cell costs a tsx start-up.
  return runBench({ topologies, workloads, writes, rounds: 1, passMs: 0.02, native: false, memory: false, seed: 9, isolate: false });
}

function row(r: BenchReport, engine: string, workload: string, topology: string): BenchResult {
  const x = r.results.find((y) => y.engine === engine && y.workload === workload && y.topology === topology);
  assert.ok(x !== undefined, `${engine} ${workload} ${topology} missing`);
  return x;
}

registerWorkload({
  name: "test:last-vcpu",
  description: "unicast from vCPU 0 to the last vCPU",
  generate: ({ topology: t, writes }) => {
    const a = t.affinity[t.count - 1]!;
    const { hi, lo } = encodeSgiHiLo({ intid: 1, aff3: a >>> 24, aff2: (a >>> 16) & 0xff, aff1: (a >>> 8) & 0xff, targetList: 1 << (a & 15) });
    const b = new WriteBatchBuilder();
    for (let i = 0; i < writes; i++) b.push(hi, lo, 0);
    return b.build();
  },
});

describe("bench visits per write", () => {
  it("kvm-linear unicast to the last vCPU of kvm:512 visits 512; vsgi, the RFC, Xen and the 6.7 index 1; QEMU and the reference n", async () => {
    const r = await tiny(["kvm:512"], ["test:last-vcpu"], 64);
    const want: Record<string, number> = { reference: 512, "kvm-linear": 512, "rfc-affskip": 1, "kvm-mpidr-index": 1, "qemu-scan": 512, xen: 1, vsgi: 1 };
    for (const [engine, visits] of Object.entries(want)) assert.equal(row(r, engine, "test:last-vcpu", "kvm:512").visitsPerWrite, visits, engine);
    assert.equal(row(r, "vsgi", "test:last-vcpu", "kvm:512").targetsPerWrite, 1);
  });

  it("unicast-last-cluster on kvm:512: kvm-linear visits target id + 1, averaged over the batch", async () => {
    const r = await tiny(["kvm:512"], ["unicast-last-cluster"]);
    // Regenerate the same batch (same seed rule as runBench) and apply the cost rule by hand.
    const t = presetTopology("kvm:512");
    const { seedFor } = await import("../../src/workload/rng.ts");
    const b = await resolveWorkload("unicast-last-cluster").generate({ topology: t, writes: 256, seed: seedFor(9, "unicast-last-cluster", "kvm:512") });
    const w = newSgiWrite();
    let sum = 0;
    for (let i = 0; i < b.count; i++) {
      decodeSgiInto(w, b.hi[i]!, b.lo[i]!, 0);
      const id = (w.aff1 << 4) + (31 - Math.clz32(w.targetList)); // KVM layout: id = Aff1·16 + Aff0
      assert.ok(id >= 496);
      sum += id + 1;
    }
    assert.equal(row(r, "kvm-linear", "unicast-last-cluster", "kvm:512").visitsPerWrite, sum / b.count);
    assert.equal(row(r, "vsgi", "unicast-last-cluster", "kvm:512").visitsPerWrite, 1);
  });

  it("vsgi visits = targets for unicast and multicast on KVM and on the sparse layout; broadcast costs ⌈n/32⌉ words", async () => {
    const r = await tiny(["kvm:512", "sparse:512"], ["unicast-random", "multicast-cluster", "multicast-linux", "broadcast-irm"]);
    for (const topology of ["kvm:512", "sparse:512"]) {
      for (const workload of ["unicast-random", "multicast-cluster", "multicast-linux"]) {
        const x = row(r, "vsgi", workload, topology);
        assert.equal(x.visitsPerWrite, x.targetsPerWrite, `${topology} ${workload}`);
      }
      const b = row(r, "vsgi", "broadcast-irm", topology);
      assert.equal(b.visitsPerWrite, 16);
      assert.equal(b.targetsPerWrite, 511);
      for (const engine of ["kvm-linear", "kvm-mpidr-index", "qemu-scan", "reference"]) assert.equal(row(r, engine, "broadcast-irm", topology).visitsPerWrite, 512, engine);
    }
    assert.equal(row(r, "vsgi", "multicast-cluster", "kvm:512").targetsPerWrite, 16);
    // sparse:512: 512 / (4 sockets × 2 dies) = 64 cores per die, 12 per cluster → clusters of 12 (and one of 4).
    const sparseCluster = row(r, "vsgi", "multicast-cluster", "sparse:512").targetsPerWrite;
    assert.ok(sparseCluster > 4 && sparseCluster <= 12, String(sparseCluster));
  });

  it("on sparse:1024 kvm-mpidr-index has no table (11 varying bits) and walks; the RFC and Xen are unsupported, with the reason", async () => {
    const r = await tiny(["sparse:1024"], ["test:last-vcpu"], 32);
    const idx = row(r, "kvm-mpidr-index", "test:last-vcpu", "sparse:1024");
    assert.match(idx.note ?? "", /no index table/);
    // A linear walk stops at the first vCPU whose affinity matches: the last one, after 1024 visits.
    assert.equal(idx.visitsPerWrite, 1024);
    assert.equal(row(r, "vsgi", "test:last-vcpu", "sparse:1024").visitsPerWrite, 1);
    for (const engine of ["rfc-affskip", "xen"]) {
      const x = row(r, engine, "test:last-vcpu", "sparse:1024");
      assert.equal(x.supported, false);
      assert.equal(x.nsPerWrite, null);
      assert.ok((x.unsupported ?? "").length > 20, `${engine} gives a reason`);
    }
  });

  it("ratios follow their definitions from the medians in the same report", async () => {
    const r = await tiny(["kvm:64"], ["unicast-random"]);
    const lin = row(r, "kvm-linear", "unicast-random", "kvm:64").nsPerWrite!;
    const idx = row(r, "kvm-mpidr-index", "unicast-random", "kvm:64").nsPerWrite!;
    const floor = r.floors.find((f) => f.kind === "floor" && f.topology === "kvm:64")!.nsPerWrite;
    for (const x of r.results.filter((y) => y.supported)) {
      assert.ok(Math.abs(x.vsLinear! - lin / x.nsPerWrite!) < 1e-9);
      assert.ok(Math.abs(x.vsMpidrIndex! - idx / x.nsPerWrite!) < 1e-9);
      assert.ok(Math.abs(x.vsFloor! - x.nsPerWrite! / floor) < 1e-9);
    }
  });
});
