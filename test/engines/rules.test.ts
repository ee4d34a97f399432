/** Spec rules and each engine's documented cost, as exact examples. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiRegister, encodeSgiRegister, SgiRegister } from "../../src/arch/sgi-register.ts";
import { prepareEngines, RecordingSink, RfcAffskipEngine, routeOnEngines, type RouteResult } from "../../src/engines/index.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { Topology } from "../../src/topology/topology.ts";

function routeAll(t: Topology, value: bigint | string, sender: number, register: SgiRegister = SgiRegister.SGI1R): Map<string, RouteResult> {
  return routeOnEngines(prepareEngines(t), decodeSgiRegister(value, register, { strict: false }), sender, new RecordingSink(t.count));
}

function targetsOf(r: RouteResult | undefined): number[] {
  assert.ok(r !== undefined && "targets" in r, "engine unsupported");
  return r.targets;
}

function visitsOf(r: RouteResult | undefined): number {
  assert.ok(r !== undefined && "visits" in r, "engine unsupported");
  return r.visits;
}

describe("targeting rules", () => {
  it("IRM = 1 reaches every vCPU except the sender, whatever the target fields say", () => {
    const t = presetTopology("kvm:40");
    const v = encodeSgiRegister({ intid: 3, irm: 1, aff1: 1, targetList: 0x1 });
    for (const [name, r] of routeAll(t, v, 17)) {
      assert.deepEqual(targetsOf(r), Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 17), name);
    }
  });

  it("without RSS, RS is RES0 and treated as 0 (as KVM and QEMU do)", () => {
    const t = presetTopology("kvm:32");
    const v = encodeSgiRegister({ intid: 1, aff1: 1, rs: 5, targetList: 0b101 });
    for (const [name, r] of routeAll(t, v, 0)) assert.deepEqual(targetsOf(r), [16, 18], name);
  });

  it("with RSS, TargetList bit n addresses Aff0 = RS * 16 + n", () => {
    const t = new Topology("rss", [0x000, 0x001, 0x010, 0x011, 0x0ff, 0x100], true);
    const byName = routeAll(t, encodeSgiRegister({ intid: 1, rs: 1, targetList: 0b11 }), 5);
    assert.deepEqual(targetsOf(byName.get("reference")), [2, 3]);
    assert.deepEqual(targetsOf(byName.get("vsgi")), [2, 3]);
    assert.deepEqual(targetsOf(routeAll(t, encodeSgiRegister({ intid: 1, rs: 15, targetList: 0x8000 }), 0).get("vsgi")), [4]);
    assert.ok("unsupported" in byName.get("kvm-linear")!);
  });

  it("a target list naming vCPUs that do not exist reaches only those that do", () => {
    const t = presetTopology("kvm:20"); // cluster 1 holds vCPUs 16..19 only
    for (const [name, r] of routeAll(t, encodeSgiRegister({ intid: 2, aff1: 1, targetList: 0xff01 }), 0)) {
      assert.deepEqual(targetsOf(r), [16], name);
    }
  });

  it("an empty target list reaches nobody", () => {
    for (const [name, r] of routeAll(presetTopology("kvm:64"), encodeSgiRegister({ intid: 2, aff1: 3 }), 0)) assert.deepEqual(targetsOf(r), [], name);
  });
});

describe("visits per write (each engine's documented cost)", () => {
  it("0x011F8001 on kvm:512 from vCPU 3: targets 496 and 511 on every engine", () => {
    const r = routeAll(presetTopology("kvm:512"), "0x011F8001", 3);
    for (const [name, x] of r) assert.deepEqual(targetsOf(x), [496, 511], name);
    assert.equal(visitsOf(r.get("vsgi")), 2);
    assert.equal(visitsOf(r.get("kvm-linear")), 512);
    assert.equal(visitsOf(r.get("qemu-scan")), 512);
    assert.equal(visitsOf(r.get("kvm-mpidr-index")), 2);
    assert.equal(visitsOf(r.get("rfc-affskip")), 2);
    assert.equal(visitsOf(r.get("xen")), 2);
  });

  for (const n of [64, 512]) {
    it(`unicast to the last vCPU of kvm:${String(n)}`, () => {
      const last = n - 1;
      const v = encodeSgiRegister({ intid: 1, aff1: last >>> 4, targetList: 1 << (last & 15) });
      const r = routeAll(presetTopology(`kvm:${String(n)}`), v, 0);
      // kvm-linear visits i + 1 for vCPU i; QEMU always n; the reference n; the rest one record.
      assert.deepEqual(
        Object.fromEntries([...r].map(([k, x]) => [k, visitsOf(x)])),
        { reference: n, "kvm-linear": n, "rfc-affskip": 1, "kvm-mpidr-index": 1, "qemu-scan": n, xen: 1, vsgi: 1 },
      );
    });
  }

  it("kvm-linear stops as soon as the target list is used up: unicast to vCPU i visits i + 1", () => {
    const r = routeAll(presetTopology("kvm:512"), encodeSgiRegister({ intid: 1, aff1: 2, targetList: 1 << 5 }), 0);
    assert.equal(visitsOf(r.get("kvm-linear")), 2 * 16 + 5 + 1);
  });

  it("kvm-mpidr-index without a table walks linearly once per target (sparse:512)", () => {
    const t = presetTopology("sparse:512");
    const a = t.affinity[511]!;
    const b = t.affinity[503]!;
    assert.equal(a >>> 8, b >>> 8, "two vCPUs of one cluster");
    const v = encodeSgiRegister({ intid: 1, aff3: a >>> 24, aff2: (a >>> 16) & 0xff, aff1: (a >>> 8) & 0xff, targetList: (1 << (a & 15)) | (1 << (b & 15)) });
    const r = routeAll(t, v, 0);
    assert.deepEqual(targetsOf(r.get("vsgi")), [503, 511]);
    assert.equal(visitsOf(r.get("kvm-mpidr-index")), 504 + 512);
    assert.equal(visitsOf(r.get("vsgi")), 2);
  });

  it("vsgi broadcast costs ⌈n/32⌉ word operations; the scanning engines n", () => {
    const r = routeAll(presetTopology("kvm:4096"), encodeSgiRegister({ intid: 0, irm: 1 }), 9);
    assert.equal(visitsOf(r.get("vsgi")), 128);
    assert.equal(visitsOf(r.get("kvm-mpidr-index")), 4096);
  });
});

describe("rfc-affskip on layouts its id arithmetic gets wrong", () => {
  it("is reported unsupported on a userspace-defined layout, with the reason", () => {
    const t = new Topology("swapped", [0x100, 0x0, 0x1, 0x101], false);
    const e = new RfcAffskipEngine();
    const s = e.prepare(t);
    assert.equal(s.supported, false);
    if (!s.supported) assert.match(s.reason, /vCPU 0 has affinity 0\.0\.1\.0, not 0\.0\.0\.0/);
  });

  it("would have mis-delivered there: unchecked, it reaches the wrong vCPUs", () => {
    // vCPU 0 has Aff1 = 1, Aff0 = 0; vCPU 1 has 0.0.0.0. A write to 0.0.0.0 must reach vCPU 1.
    const t = new Topology("swapped", [0x100, 0x0, 0x1, 0x101], false);
    const w = decodeSgiRegister(encodeSgiRegister({ intid: 1, targetList: 0b1 }));
    const rfc = new RfcAffskipEngine(true);
    rfc.prepare(t);
    const sink = new RecordingSink(t.count);
    rfc.dispatch(w, 3, sink);
    assert.deepEqual(sink.sorted(), [0], "the RFC takes id = 0 + bit 0 = vCPU 0");
    const ref = routeAll(t, encodeSgiRegister({ intid: 1, targetList: 0b1 }), 3).get("reference");
    assert.deepEqual(targetsOf(ref), [1], "the architecture says vCPU 1");
    // A write to cluster 1 (vCPUs 0 and 3) lands on ids 16 and 17, which do not exist: lost.
    sink.clear();
    rfc.dispatch(decodeSgiRegister(encodeSgiRegister({ intid: 1, aff1: 1, targetList: 0b11 })), 2, sink);
    assert.deepEqual(sink.sorted(), []);
  });

  it("scans from bit 8 when the low byte is empty: one record per set bit", () => {
    const r = routeAll(presetTopology("kvm:16"), encodeSgiRegister({ intid: 1, targetList: 0x8100 }), 0);
    assert.deepEqual(targetsOf(r.get("rfc-affskip")), [8, 15]);
    assert.equal(visitsOf(r.get("rfc-affskip")), 2);
  });
});

describe("xen", () => {
  it("refuses a layout it cannot express", () => {
    const s = prepareEngines(presetTopology("sparse:64")).find((p) => p.engine.name === "xen")!.support;
    assert.equal(s.supported, false);
  });

  it("reads only Aff1 of a write: Aff2 = 1 aliases to the Aff2 = 0 cluster (real Xen behaviour)", () => {
    const r = routeAll(presetTopology("kvm:64"), encodeSgiRegister({ intid: 1, aff2: 1, aff1: 2, targetList: 0b1 }), 0);
    assert.deepEqual(targetsOf(r.get("reference")), []);
    assert.deepEqual(targetsOf(r.get("xen")), [32]);
  });
});
