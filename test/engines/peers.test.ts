/**
 * Peer models beyond the lookup: the RFC's exact early return / walk / break, KVM ≥ 6.7's page
 * size, version and 1-vCPU rules, userspace MPIDR layouts per peer, limits as projections, and the
 * group / online / filter-3 rules. Every expectation is derived by hand from the source cited in
 * src/engines/peers.ts, not from the engines' output.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiRegister, SgiRegister } from "../../src/arch/sgi-register.ts";
import { createEngine, KvmMpidrIndexEngine, prepareEngines, RecordingSink, RfcAffskipEngine, routeOnEngines } from "../../src/engines/index.ts";
import { maxIndexBits } from "../../src/engines/kvm-mpidr-index.ts";
import { peerDrop, peerFilter3Mask, peerTrap } from "../../src/engines/peer-rules.ts";
import { PEERS, projectionLabel } from "../../src/engines/peers.ts";
import { parseTopologyJson, presetTopology } from "../../src/topology/index.ts";
import type { Topology } from "../../src/topology/topology.ts";

function run(engine: { prepare(t: Topology): unknown; dispatch: (w: never, s: number, k: RecordingSink) => number }, t: Topology, value: string, sender = 0) {
  engine.prepare(t);
  const sink = new RecordingSink(t.count);
  const visits = engine.dispatch(decodeSgiRegister(value, SgiRegister.SGI1R, { strict: false }) as never, sender, sink);
  return { visits, targets: sink.sorted() };
}

describe("rfc-v2 (lore 20230825015811.5292-1-zhaoxu.35@bytedance.com, vgic_v3_dispatch_sgi)", () => {
  const t = presetTopology("kvm:20");
  it("returns at once when the cluster base is not below the number of vCPUs", () => {
    assert.deepEqual(run(new RfcAffskipEngine(), t, "0x20001"), { visits: 0, targets: [] }); // Aff1 2 → base 32 ≥ 20
  });
  it("walks for a missing id (kvm_get_vcpu_by_id) and then breaks, dropping the rest of the TargetList", () => {
    // Aff1 1, bits 0, 4, 5: id 16 exists (1 record); id 20 does not: 1 clamped record + a 20-vCPU walk, then break.
    assert.deepEqual(run(new RfcAffskipEngine(), t, "0x10031"), { visits: 22, targets: [16] });
  });
  it("starts at bit 8 when the low byte is empty", () => {
    assert.deepEqual(run(new RfcAffskipEngine(), t, "0x300"), { visits: 2, targets: [8, 9] });
  });
});

describe("kvm-6.7 / kvm-6.10+ (arm.c kvm_init_mpidr_data, kvm_mpidr_to_vcpu)", () => {
  it("keeps the table while 8 + 2·2^bits bytes fit the host page: 10, 12, 14 bits for 4, 16, 64 KiB", () => {
    assert.deepEqual([maxIndexBits(4096), maxIndexBits(16384), maxIndexBits(65536)], [10, 12, 14]);
    const t2048 = presetTopology("kvm:2048"); // Aff0 4 bits + Aff1 7 bits = 11 varying bits
    const e4 = new KvmMpidrIndexEngine();
    e4.prepare(t2048);
    assert.equal(e4.hasTable, false);
    const e16 = new KvmMpidrIndexEngine({ pageSize: 16384 });
    e16.prepare(t2048);
    assert.equal(e16.hasTable, true);
  });
  it("gives a 1-vCPU VM no table", () => {
    const e = new KvmMpidrIndexEngine();
    const s = e.prepare(presetTopology("kvm:1"));
    assert.equal(e.hasTable, false);
    assert.ok(s.supported && /1-vCPU/.test(s.note ?? ""));
  });
  it("on a table miss 6.7–6.9 stop after one slot, 6.10 walks every vCPU", () => {
    const t = presetTopology("kvm:20"); // vCPU 21 (Aff1 1, Aff0 5) does not exist
    assert.deepEqual(run(new KvmMpidrIndexEngine({ version: "6.7" }), t, "0x10020"), { visits: 1, targets: [] });
    assert.deepEqual(run(new KvmMpidrIndexEngine(), t, "0x10020"), { visits: 21, targets: [] });
  });
});

describe("userspace MPIDRs (\"userspace\": true)", () => {
  const dup = parseTopologyJson('{"userspace": true, "mpidrs": ["0x0", "0x1", "0x1", "0x2"]}', "dup.json");
  it("are refused in the default strict mode and accepted, with the ambiguity listed, in userspace mode", () => {
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0", "0x1", "0x1"]}', "dup.json"), /share affinity/);
    assert.deepEqual(dup.ambiguities(), [{ affinity: 1, vcpus: [1, 2] }]);
  });
  it("each engine makes its peer's choice among vCPUs sharing an affinity, or refuses the layout", () => {
    const got = routeOnEngines(prepareEngines(dup), decodeSgiRegister("0x2", SgiRegister.SGI1R), 0, new RecordingSink(dup.count));
    const targets = (name: string) => {
      const r = got.get(name as never)!;
      return "targets" in r ? r.targets : "unsupported";
    };
    assert.deepEqual(targets("kvm-linear"), [1]); // walk clears the bit at the first match
    assert.deepEqual(targets("kvm-mpidr-index"), [2]); // later vCPUs overwrite the table slot
    assert.deepEqual(targets("qemu-scan"), [1, 2]); // no early exit
    assert.deepEqual(targets("vsgi"), [1]);
    assert.equal(targets("rfc-affskip"), "unsupported");
    assert.equal(targets("xen"), "unsupported");
  });
  it("Aff0 > 15 without RSS is never reached by a TargetList, but IRM reaches it", () => {
    const t = parseTopologyJson('{"userspace": true, "mpidrs": ["0x0", "0x1", "0x11"]}', "aff0.json");
    assert.deepEqual(t.unreachableByTargetList(), [2]);
    for (const name of ["kvm-linear", "kvm-mpidr-index", "qemu-scan", "vsgi", "reference"] as const) {
      assert.deepEqual(run(createEngine(name), t, "0xffff").targets, [0, 1], name);
      assert.deepEqual(run(createEngine(name), t, "0x10000000000").targets, [1, 2], `${name} IRM`);
    }
  });
});

describe("limits", () => {
  it("past a peer's limit the engine runs only as a labelled projection", () => {
    const byName = new Map(prepareEngines(presetTopology("kvm:513")).map((p) => [p.engine.name, p.support] as const));
    const projection = (n: string) => {
      const s = byName.get(n as never)!;
      return s.supported ? s.projection : "refused";
    };
    assert.equal(projection("kvm-linear"), "beyond KVM's limit of 512 (projection)");
    assert.equal(projection("kvm-mpidr-index"), "beyond KVM's limit of 512 (projection)");
    assert.equal(projection("qemu-scan"), "beyond QEMU virt's limit of 512 (projection)");
    assert.equal(projection("xen"), "beyond Xen's limit of 128 (projection)");
    assert.equal(projection("vsgi"), undefined);
    assert.equal(projectionLabel(PEERS["xen-4.x"], 128), undefined);
    assert.equal(projectionLabel(PEERS["qemu-7.2+"], 9, 2), "beyond QEMU virt's limit of 8 (projection)");
  });
});

describe("group, online and filter-3 rules", () => {
  const { SGI1R, SGI0R, ASGI1R } = SgiRegister;
  it("KVM delivers SGI1R whatever the group; SGI0R/ASGI1R only to Group 0 (vgic_v3_queue_sgi)", () => {
    const k = PEERS["kvm-6.6"];
    assert.deepEqual([peerDrop(k, SGI1R, 0, true), peerDrop(k, SGI1R, 1, true), peerDrop(k, SGI0R, 0, true), peerDrop(k, ASGI1R, 1, true)], [null, null, null, "kvm-group0-only"]);
  });
  it("QEMU drops SGI1R at a Group 0 target and SGI0R/ASGI1R at a Group 1 target (gicv3_redist_send_sgi)", () => {
    const q = PEERS["qemu-7.2+"];
    assert.deepEqual([peerDrop(q, SGI1R, 0, true), peerDrop(q, SGI1R, 1, true), peerDrop(q, SGI0R, 0, true), peerDrop(q, ASGI1R, 1, true)], ["qemu-group-mismatch-g1", null, null, "qemu-group-mismatch-g0"]);
  });
  it("Xen: SGI0R/ASGI1R are UNDEF, SGI1R ignores the group, offline targets are skipped (vgic_to_sgi)", () => {
    const x = PEERS["xen-4.x"];
    assert.deepEqual([peerTrap(x, SGI0R), peerTrap(x, ASGI1R), peerTrap(x, SGI1R)], ["xen-undef", "xen-undef", null]);
    assert.deepEqual([peerDrop(x, SGI1R, 0, true), peerDrop(x, SGI1R, 1, false)], [null, "xen-offline"]);
    assert.equal(peerDrop(PEERS["kvm-6.10+"], SGI1R, 1, false), null, "KVM marks offline vCPUs pending");
  });
  it("GICD_SGIR TargetListFilter 3: KVM nothing, QEMU every CPU with the writer, Xen a data abort", () => {
    assert.deepEqual([peerFilter3Mask(PEERS["kvm-6.6"], 4), peerFilter3Mask(PEERS["qemu-7.2+"], 4), peerFilter3Mask(PEERS["xen-4.x"], 4)], [0, 0b1111, -1]);
  });
});
