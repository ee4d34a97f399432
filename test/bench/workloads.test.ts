/**
 * Bench workload generators: deterministic from the seed, the shapes their names promise, and
 * multicast-linux split exactly as Linux's gic_ipi_send_mask does (re-derived here from the
 * rule in SPEC §4, not from the generator's own helper).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeSgiInto, newSgiWrite, type SgiWrite } from "../../src/arch/sgi-register.ts";
import { WorkloadUnsupportedError } from "../../src/bench/workload-error.ts";
import { type WriteBatch, WriteBatchBuilder } from "../../src/bench/batch.ts";
import { BUILTIN_WORKLOADS, registerWorkload, resolveWorkload, workloadNames } from "../../src/bench/workloads.ts";
import { UsageError } from "../../src/errors.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import type { Topology } from "../../src/topology/topology.ts";

const NAMES = ["unicast-random", "unicast-last-cluster", "multicast-cluster", "multicast-linux", "broadcast-irm", "mix"];

async function gen(name: string, spec: string, writes = 2000, seed = 7): Promise<WriteBatch> {
  return resolveWorkload(name).generate({ topology: presetTopology(spec), writes, seed });
}

function decoded(b: WriteBatch, i: number): SgiWrite {
  const w = newSgiWrite();
  decodeSgiInto(w, b.hi[i]!, b.lo[i]!, b.register[i] as 0);
  return w;
}

/** Targets of a non-IRM write by the architectural rule, using only the topology's affinity list. */
function targetsOf(t: Topology, w: SgiWrite): number[] {
  const out: number[] = [];
  for (let v = 0; v < t.count; v++) {
    const a = t.affinity[v]!;
    if (a >>> 24 !== w.aff3 || ((a >>> 16) & 0xff) !== w.aff2 || ((a >>> 8) & 0xff) !== w.aff1) continue;
    const aff0 = a & 0xff;
    if (aff0 < 16 && ((w.targetList >>> aff0) & 1) === 1) out.push(v);
  }
  return out;
}

describe("bench workloads", () => {
  it("registers the six built-ins by name, in report order", () => {
    assert.deepEqual(
      BUILTIN_WORKLOADS.map((w) => w.name),
      NAMES,
    );
    for (const n of NAMES) assert.equal(resolveWorkload(n).name, n);
  });

  it("same seed → same writes; another seed → other writes (every built-in, KVM and sparse)", async () => {
    for (const spec of ["kvm:64", "sparse:64"]) {
      for (const name of NAMES) {
        const a = await gen(name, spec, 500, 11);
        const b = await gen(name, spec, 500, 11);
        const c = await gen(name, spec, 500, 12);
        assert.equal(a.count, 500, `${name} ${spec}`);
        assert.deepEqual([a.hi, a.lo, a.sender, a.register], [b.hi, b.lo, b.sender, b.register], `${name} ${spec}`);
        assert.notDeepEqual([a.lo, a.sender], [c.lo, c.sender], `${name} ${spec}: seed ignored`);
        assert.ok(a.register.every((r) => r === 0), "every built-in writes ICC_SGI1R_EL1");
      }
    }
  });

  it("unicast-random: one existing target, never the sender, spread over the VM", async () => {
    for (const spec of ["kvm:64", "sparse:64", "kvm:4096"]) {
      const t = presetTopology(spec);
      const b = await gen("unicast-random", spec, 4000);
      const seen = new Set<number>();
      for (let i = 0; i < b.count; i++) {
        const w = decoded(b, i);
        assert.equal(w.irm, 0);
        const targets = targetsOf(t, w);
        assert.equal(targets.length, 1, `${spec} write ${String(i)}`);
        assert.notEqual(targets[0], b.sender[i]);
        seen.add(targets[0]!);
      }
      // 4000 uniform draws over 64 vCPUs miss one with probability < 64·(63/64)^4000 ≈ 0.
      if (t.count === 64) assert.equal(seen.size, 64);
      else assert.ok(seen.size > 2000, `only ${String(seen.size)} distinct targets on ${spec}`);
    }
  });

  it("unicast-last-cluster: the target is in the cluster of the last vCPU, the sender outside it", async () => {
    const b = await gen("unicast-last-cluster", "kvm:512");
    const t = presetTopology("kvm:512");
    for (let i = 0; i < b.count; i++) {
      const [target] = targetsOf(t, decoded(b, i));
      assert.ok(target !== undefined && target >= 496 && target <= 511, `target ${String(target)}`);
      assert.ok(b.sender[i]! < 496);
    }
    // sparse: the last vCPU's cluster is whatever shares its Aff3.Aff2.Aff1.
    const s = presetTopology("sparse:512");
    const key = s.affinity[511]! >>> 8;
    const sb = await gen("unicast-last-cluster", "sparse:512");
    for (let i = 0; i < sb.count; i++) {
      const [target] = targetsOf(s, decoded(sb, i));
      assert.equal(s.affinity[target!]! >>> 8, key);
    }
  });

  it("multicast-cluster: every vCPU of one cluster (16 on KVM, the 8 of a half-filled sparse cluster)", async () => {
    const t = presetTopology("kvm:64");
    const b = await gen("multicast-cluster", "kvm:64");
    for (let i = 0; i < b.count; i++) {
      const w = decoded(b, i);
      assert.equal(w.targetList, 0xffff);
      assert.ok(w.aff1 < 4);
      assert.equal(targetsOf(t, w).length, 16);
    }
    // sparse:64 puts vCPU i on socket i % 4, die (i >> 2) & 1, core i >> 3: 8 cores per cluster.
    const s = presetTopology("sparse:64");
    const sb = await gen("multicast-cluster", "sparse:64");
    for (let i = 0; i < sb.count; i++) {
      const w = decoded(sb, i);
      assert.equal(w.targetList, 0x00ff);
      const members = targetsOf(s, w);
      assert.equal(members.length, 8);
      const socket = members[0]! & 3;
      assert.ok(members.every((v) => (v & 3) === socket));
    }
  });

  it("multicast-linux: each IPI's cpumask split into one write per run of consecutive CPUs sharing a cluster", async () => {
    for (const spec of ["kvm:64", "sparse:64", "kvm:512"]) {
      const t = presetTopology(spec);
      const b = await gen("multicast-linux", spec, 3000, 5);
      assert.ok(b.ipi !== undefined);
      let i = 0;
      let ipis = 0;
      while (i < b.count) {
        const ipi = b.ipi[i]!;
        assert.equal(ipi, ipis, "IPI numbers count up from 0");
        const sender = b.sender[i]!;
        const intid = decoded(b, i).intid;
        const writes: SgiWrite[] = [];
        for (; i < b.count && b.ipi[i] === ipi; i++) {
          const w = decoded(b, i);
          assert.equal(w.irm, 0, "Linux never sets IRM");
          assert.equal(b.sender[i], sender);
          assert.equal(w.intid, intid);
          writes.push(w);
        }
        const mask = writes.flatMap((w) => targetsOf(t, w)).sort((x, y) => x - y);
        assert.ok(!mask.includes(sender), "the sender is not in its own cpumask");
        // The rule: walk the mask in CPU order, one write per maximal run of CPUs with equal affinity >>> 4.
        const runs: number[][] = [];
        for (const cpu of mask) {
          const last = runs[runs.length - 1];
          if (last !== undefined && t.affinity[last[0]!]! >>> 4 === t.affinity[cpu]! >>> 4) last.push(cpu);
          else runs.push([cpu]);
        }
        const complete = i < b.count; // the batch may end inside its last IPI
        if (complete) assert.equal(writes.length, runs.length, `${spec} IPI ${String(ipi)}`);
        writes.forEach((w, k) => assert.deepEqual(targetsOf(t, w), runs[k], `${spec} IPI ${String(ipi)} write ${String(k)}`));
        ipis++;
      }
      assert.ok(ipis >= 2, `${spec}: only ${String(ipis)} IPIs`);
    }
  });

  it("multicast-linux: a layout that interleaves clusters in CPU order costs many more writes per IPI", async () => {
    // KVM: a cluster is 16 consecutive ids, so a p = 1/4 mask gives ~4 targets per write. Sparse:
    // consecutive ids sit on different sockets, so a run rarely holds more than one CPU.
    const mean = async (spec: string): Promise<number> => {
      const t = presetTopology(spec);
      const b = await gen("multicast-linux", spec, 2000);
      let n = 0;
      for (let i = 0; i < b.count; i++) n += targetsOf(t, decoded(b, i)).length;
      return n / b.count;
    };
    const kvm = await mean("kvm:64");
    const sparse = await mean("sparse:64");
    assert.ok(kvm > 3 && kvm < 5, `kvm:64 ${String(kvm)} targets per write`);
    assert.ok(sparse < 1.5, `sparse:64 ${String(sparse)} targets per write`);
  });

  it("broadcast-irm: IRM = 1 from a valid sender", async () => {
    const b = await gen("broadcast-irm", "kvm:512");
    for (let i = 0; i < b.count; i++) {
      assert.equal(decoded(b, i).irm, 1);
      assert.ok(b.sender[i]! < 512);
    }
  });

  it("mix: 95% unicast, 4% cluster multicast, 1% broadcast (binomial bounds at 20 000 writes)", async () => {
    const t = presetTopology("kvm:512");
    const b = await gen("mix", "kvm:512", 20_000, 3);
    let uni = 0;
    let cluster = 0;
    let irm = 0;
    for (let i = 0; i < b.count; i++) {
      const w = decoded(b, i);
      if (w.irm === 1) irm++;
      else if (targetsOf(t, w).length === 16) cluster++;
      else uni++;
    }
    // ±5 standard deviations of each binomial share.
    assert.ok(Math.abs(uni - 19_000) < 5 * Math.sqrt(20_000 * 0.95 * 0.05), `unicast ${String(uni)}`);
    assert.ok(Math.abs(cluster - 800) < 5 * Math.sqrt(20_000 * 0.04 * 0.96), `cluster ${String(cluster)}`);
    assert.ok(Math.abs(irm - 200) < 5 * Math.sqrt(20_000 * 0.01 * 0.99), `broadcast ${String(irm)}`);
  });

  it("an unknown name is a usage error listing the known ones; registerWorkload adds one", async () => {
    assert.throws(() => resolveWorkload("nope"), (e: unknown) => e instanceof UsageError && /unknown workload "nope".*unicast-random/.test(e.message));
    registerWorkload({
      name: "test:fixed",
      description: "two writes",
      generate: () => {
        const b = new WriteBatchBuilder();
        b.push(0, 0x0100_0001, 3);
        b.push(0x100, 0x0200_0000, 1);
        return b.build();
      },
    });
    assert.ok(workloadNames().includes("test:fixed"));
    const b = await resolveWorkload("test:fixed").generate({ topology: presetTopology("kvm:4"), writes: 0, seed: 0 });
    assert.deepEqual([b.count, [...b.hi], [...b.lo], [...b.sender]], [2, [0, 0x100], [0x0100_0001, 0x0200_0000], [3, 1]]);
  });
});

describe("replay:<trace> workloads", () => {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-bench-replay-"));
  const log = join(dir, "tiny.log");
  // QEMU -trace lines (SPEC §6): CPU 1 → CPU 0 (SGI 1), CPU 2 → CPUs 0 and 3 (SGI 0), CPU 3 → CPU 2 (SGI 1).
  writeFileSync(
    log,
    [
      "7291@1795570343.089442:gicv3_icc_generate_sgi GICv3 CPU i/f 0x1 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x1",
      "7291@1795570343.089505:gicv3_redist_send_sgi GICv3 redistributor 0x0 pending SGI 1",
      "7292@1795570343.089601:gicv3_icc_generate_sgi GICv3 CPU i/f 0x2 generating SGI 0 IRM 0 target affinity 0x0xx targetlist 0x9",
      "7292@1795570343.089610:gicv3_redist_send_sgi GICv3 redistributor 0x0 pending SGI 0",
      "7292@1795570343.089615:gicv3_redist_send_sgi GICv3 redistributor 0x3 pending SGI 0",
      "7293@1795570343.089701:gicv3_icc_generate_sgi GICv3 CPU i/f 0x3 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x4",
      "7293@1795570343.089705:gicv3_redist_send_sgi GICv3 redistributor 0x2 pending SGI 1",
      "",
    ].join("\n"),
  );

  it("yields the trace's writes in order, whatever --writes says", async () => {
    const t = presetTopology("kvm:4");
    const b = await resolveWorkload(`replay:${log}`).generate({ topology: t, writes: 1000, seed: 1 });
    assert.equal(b.count, 3);
    assert.deepEqual([...b.sender], [1, 2, 3]);
    assert.deepEqual(
      [0, 1, 2].map((i) => targetsOf(t, decoded(b, i))),
      [[0], [0, 3], [2]],
    );
    assert.deepEqual([0, 1, 2].map((i) => decoded(b, i).intid), [1, 0, 1]);
  });

  it("is unsupported on a smaller VM or another layout, with the reason", async () => {
    await assert.rejects(resolveWorkload(`replay:${log}`).generate({ topology: presetTopology("kvm:2"), writes: 10, seed: 1 }), (e: unknown) => e instanceof WorkloadUnsupportedError);
    await assert.rejects(
      resolveWorkload(`replay:${log}`).generate({ topology: presetTopology("sparse:8"), writes: 10, seed: 1 }),
      (e: unknown) => e instanceof WorkloadUnsupportedError && /layout/.test(e.message),
    );
    assert.throws(() => resolveWorkload("replay:"), UsageError);
  });
});
