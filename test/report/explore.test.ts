/**
 * The route explorer's model (the code the browser runs): decoded fields, targets, the cluster
 * grid and per-engine visits. Expectations are derived from the register layout by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VsgiError } from "../../src/errors.ts";
import { clusterRows, explore } from "../../src/report/explorer/explore.ts";
import { presetTopology } from "../../src/topology/presets.ts";

const base = { value: "0x011F8001", register: "sgi1r", topology: "kvm:512", sender: 3, lenient: false } as const;

describe("route explorer model", () => {
  it("routes 0x011F8001 from vCPU 3 on kvm:512 to vCPUs 496 and 511", () => {
    // INTID = bits 27:24 = 1; Aff1 = bits 23:16 = 0x1f = 31; TargetList = 0x8001 = Aff0 0 and 15.
    // KVM default layout: vCPU id = Aff1 * 16 + Aff0 → 496 and 511.
    const x = explore(base);
    assert.deepEqual(x.targets, [496, 511]);
    const f = Object.fromEntries(x.fields.map((d) => [d.name, d.value]));
    assert.deepEqual(f, { TargetList: 0x8001, Aff1: 31, INTID: 1, Aff2: 0, IRM: 0, RS: 0, Aff3: 0 });
    assert.equal(x.registerName, "ICC_SGI1R_EL1");
    assert.equal(x.hex, "0x11f8001");
  });

  it("reports each engine's visits: a scan stops after vCPU 511, a lookup touches one slot per target", () => {
    const x = explore(base);
    const visits = Object.fromEntries(x.engines.map((e) => [e.engine, "visits" in e ? e.visits : -1]));
    assert.equal(visits["kvm-linear"], 512); // vCPUs 0..511 examined before the TargetList empties
    assert.equal(visits["qemu-scan"], 512); // every CPU, always
    assert.equal(visits.vsgi, 2);
    for (const e of x.engines) {
      // Xen creates at most 128 vCPUs (MAX_VIRT_CPUS): past it the explorer says unsupported, with the projection labelled.
      if (e.engine === "xen") {
        assert.ok("unsupported" in e && /beyond Xen's limit of 128/.test(e.unsupported), "xen is beyond its limit");
        assert.match(e.rules?.[0] ?? "", /beyond Xen's limit of 128 \(projection\)/);
      } else assert.ok("agrees" in e && e.agrees, `${e.engine} agrees with the reference`);
    }
  });

  it("lays out kvm:512 as 32 clusters of 16 with every vCPU once", () => {
    const rows = clusterRows(presetTopology("kvm:512"));
    assert.equal(rows.length, 32);
    assert.equal(rows[31]?.label, "0.0.31");
    assert.deepEqual(rows[31]?.slots, Array.from({ length: 16 }, (_, i) => 496 + i));
    const all = rows.flatMap((r) => r.slots).filter((v) => v >= 0).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 512 }, (_, i) => i));
  });

  it("shows the sparse layout's empty Aff0 slots and still places every vCPU", () => {
    const rows = clusterRows(presetTopology("sparse:64"));
    const placed = rows.flatMap((r) => r.slots).filter((v) => v >= 0);
    assert.equal(placed.length, 64);
    assert.ok(rows.every((r) => r.slots.length === 16));
    assert.ok(rows.some((r) => r.slots.includes(-1)), "12 of 16 Aff0 slots are used");
  });

  it("routes IRM = 1 to every vCPU but the sender", () => {
    const x = explore({ ...base, value: "0x10000000000", topology: "kvm:8", sender: 2 });
    assert.deepEqual(x.targets, [0, 1, 3, 4, 5, 6, 7]);
  });

  it("routes a GICv2 GICD_SGIR list write", () => {
    // CPUTargetList = bits 23:16 = 0x05 → CPUs 0 and 2; filter 0 (list); SGIINTID 3.
    const x = explore({ ...base, register: "gicd-sgir", value: "0x00050003", topology: "kvm:8", sender: 1 });
    assert.deepEqual(x.targets, [0, 2]);
    assert.equal(x.registerName, "GICD_SGIR");
  });

  it("rejects bad input with the message the page shows", () => {
    assert.throws(() => explore({ ...base, value: "0xZZ" }), (e: unknown) => e instanceof VsgiError && /not a hexadecimal value/.test(e.message));
    assert.throws(() => explore({ ...base, value: "0x10000000" }), (e: unknown) => e instanceof VsgiError && /RES0 bit 28/.test(e.message));
    assert.deepEqual(explore({ ...base, value: "0x111F8001", lenient: true }).targets, [496, 511]);
    assert.throws(() => explore({ ...base, sender: 512 }), (e: unknown) => e instanceof VsgiError && /unknown vCPU 512/.test(e.message));
    assert.throws(() => explore({ ...base, topology: "kvm:0" }), VsgiError);
    assert.throws(() => explore({ ...base, register: "gicd-sgir", value: "0x1" }), (e: unknown) => e instanceof VsgiError && /GICv2/.test(e.message));
  });
});
