/** VirtualGic: the SGI lifecycle and the register-group rules, GICv3 and GICv2. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeSgiRegister } from "../../src/arch/sgi-register.ts";
import { ENGINE_NAMES } from "../../src/engines/index.ts";
import { InvalidRegisterError, TopologyError, UnknownVcpuError, UsageError } from "../../src/errors.ts";
import { VirtualGic } from "../../src/gic.ts";

function kicksOf(gic: VirtualGic): Array<[number, number]> {
  const kicks: Array<[number, number]> = [];
  gic.onKick((v, i) => kicks.push([v, i]));
  return kicks;
}

describe("VirtualGic (GICv3)", () => {
  it("delivers 0x011F8001 from vCPU 3 on kvm:512 to vCPUs 496 and 511 with every engine whose peer creates 512 vCPUs", () => {
    // Xen creates at most 128 vCPUs (MAX_VIRT_CPUS): VirtualGic refuses to pretend otherwise.
    assert.throws(() => new VirtualGic({ topology: "kvm:512", engine: "xen" }), /beyond Xen's limit of 128/);
    for (const engine of ENGINE_NAMES.filter((e) => e !== "xen")) {
      const gic = new VirtualGic({ topology: "kvm:512", engine });
      const kicks = kicksOf(gic);
      assert.equal(gic.writeSgi1r(3, 0x011f8001n), 2, engine);
      assert.deepEqual(kicks, [[496, 1], [511, 1]], engine);
      assert.equal(gic.isPending(496, 1), true);
      assert.equal(gic.isPending(497, 1), false);
    }
  });

  it("coalesces a second write to an already pending SGI and kicks only on newly pending", () => {
    const gic = new VirtualGic({ topology: "kvm:8" });
    const kicks = kicksOf(gic);
    gic.writeSgi1r(0, encodeSgiRegister({ intid: 5, targetList: 0b110 }));
    gic.writeSgi1r(1, encodeSgiRegister({ intid: 5, targetList: 0b010 }));
    assert.deepEqual(kicks, [[1, 5], [2, 5]]);
    assert.equal(gic.state.coalesced, 1);
    assert.equal(gic.acknowledge(1), 5);
    assert.equal(gic.acknowledge(1), 1023, "one pending SGI, not two: the second write coalesced");
    gic.writeSgi1r(0, encodeSgiRegister({ intid: 5, targetList: 0b010 }));
    assert.deepEqual(kicks.at(-1), [1, 5], "pending again after acknowledge: a new kick");
  });

  it("broadcast (IRM) kicks every vCPU but the sender once, and coalesces on the ones already pending", () => {
    const gic = new VirtualGic({ topology: "kvm:70" });
    gic.writeSgi1r(0, encodeSgiRegister({ intid: 2, targetList: 1 << 5 }));
    const kicks = kicksOf(gic);
    assert.equal(gic.writeSgi1r(33, encodeSgiRegister({ intid: 2, irm: 1 })), 69);
    assert.equal(kicks.length, 68);
    assert.ok(!kicks.some(([v]) => v === 33 || v === 5));
    assert.equal(gic.state.coalesced, 1);
  });

  it("SGI1R reaches a target whatever group it configured; SGI0R and ASGI1R only Group 0 targets", () => {
    for (const engine of ["vsgi", "kvm-linear", "reference"] as const) {
      const gic = new VirtualGic({ topology: "kvm:4", engine });
      gic.configureSgi(2, 7, { group: 0 });
      const v = encodeSgiRegister({ intid: 7, targetList: 0b0110 });
      assert.equal(gic.writeSgi0r(0, v), 1, engine);
      assert.deepEqual([gic.isPending(1, 7), gic.isPending(2, 7)], [false, true], engine);
      assert.equal(gic.state.groupFiltered, 1);
      assert.equal(gic.writeAsgi1r(0, encodeSgiRegister({ intid: 7, irm: 1 })), 1, `${engine} ASGI1R broadcast`);
      assert.equal(gic.writeSgi1r(0, v), 2, engine);
      assert.deepEqual([gic.isPending(1, 7), gic.isPending(2, 7)], [true, true], engine);
    }
  });

  it("acknowledge takes the highest priority (lowest value), then the lowest INTID; EOI ends it", () => {
    const gic = new VirtualGic({ topology: "kvm:2" });
    gic.configureSgi(1, 9, { priority: 0x10 });
    for (const intid of [3, 9, 4]) gic.writeSgi1r(0, encodeSgiRegister({ intid, targetList: 0b10 }));
    assert.equal(gic.acknowledge(1), 9);
    assert.equal(gic.acknowledge(1), 1023, "3 and 4 (0xa0) cannot preempt 9 (0x10) while it is active");
    assert.equal(gic.eoi(1, 9), true);
    assert.equal(gic.acknowledge(1), 3);
    assert.equal(gic.eoi(1, 3), true);
    assert.equal(gic.acknowledge(1), 4);
    assert.equal(gic.eoi(1, 9), false, "EOI of an inactive SGI is ignored and counted");
    assert.equal(gic.diagnostics.spuriousEois, 1);
  });

  it("a disabled SGI stays pending but is not acknowledged until enabled", () => {
    const gic = new VirtualGic({ topology: "kvm:2" });
    gic.configureSgi(1, 6, { enabled: false });
    gic.writeSgi1r(0, encodeSgiRegister({ intid: 6, targetList: 0b10 }));
    assert.equal(gic.isPending(1, 6), true);
    assert.equal(gic.acknowledge(1), 1023);
    gic.configureSgi(1, 6, { enabled: true });
    assert.equal(gic.acknowledge(1), 6);
  });

  it("ignores and counts RES0 bits and RS without RSS; strict mode rejects RES0", () => {
    const gic = new VirtualGic({ topology: "kvm:32" });
    const v = encodeSgiRegister({ intid: 1, aff1: 1, rs: 2, targetList: 1 }) | (1n << 63n);
    assert.equal(gic.writeSgi1r(0, v), 1);
    assert.equal(gic.isPending(16, 1), true);
    assert.deepEqual([gic.diagnostics.res0Writes, gic.diagnostics.rsWithoutRss], [1, 1]);
    const strict = new VirtualGic({ topology: "kvm:32", strict: true });
    assert.throws(() => strict.writeSgi1r(0, v), (e: unknown) => e instanceof InvalidRegisterError && /RES0 bits 63 set/.test(e.message));
  });

  it("rejects unknown vCPUs, bad values and impossible configurations with typed errors", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    assert.throws(() => gic.writeSgi1r(4, 0n), UnknownVcpuError);
    assert.throws(() => gic.writeSgi1r(-1, 0n), UnknownVcpuError);
    assert.throws(() => gic.acknowledge(7), /unknown vCPU 7/);
    assert.throws(() => gic.writeSgi1r(0, "0xzz"), /not a hexadecimal value/);
    assert.throws(() => gic.writeGicdSgir(0, 0), UsageError);
    assert.throws(() => new VirtualGic({ topology: "sparse:64", engine: "xen" }), TopologyError);
  });
});

describe("VirtualGic (GICv2 GICD_SGIR)", () => {
  const sgir = (intid: number, list: number, filter: number) => (filter << 24) | (list << 16) | intid;

  it("TargetListFilter 0 targets the list, 1 all but self, 2 self, 3 nobody", () => {
    const gic = new VirtualGic({ topology: "qemu:8", gicVersion: 2 });
    const kicks = kicksOf(gic);
    assert.equal(gic.writeGicdSgir(2, sgir(1, 0b1001_0001, 0)), 3);
    assert.deepEqual(kicks.map(([v]) => v), [0, 4, 7]);
    kicks.length = 0;
    assert.equal(gic.writeGicdSgir(2, sgir(2, 0, 1)), 7);
    assert.deepEqual(kicks.map(([v]) => v), [0, 1, 3, 4, 5, 6, 7]);
    kicks.length = 0;
    assert.equal(gic.writeGicdSgir(2, sgir(3, 0xff, 2)), 1);
    assert.deepEqual(kicks, [[2, 3]]);
    assert.equal(gic.writeGicdSgir(2, sgir(4, 0xff, 3)), 0);
    assert.equal(gic.diagnostics.reservedFilterWrites, 1);
    assert.throws(() => new VirtualGic({ topology: "qemu:4", gicVersion: 2, strict: true }).writeGicdSgir(0, sgir(4, 1, 3)), /reserved/);
  });

  it("keeps pending state per source CPU and returns the source in GICC_IAR bits 12:10", () => {
    const gic = new VirtualGic({ topology: "qemu:8", gicVersion: 2 });
    const kicks = kicksOf(gic);
    gic.writeGicdSgir(5, sgir(1, 0b1, 0));
    gic.writeGicdSgir(2, sgir(1, 0b1, 0));
    gic.writeGicdSgir(5, sgir(1, 0b1, 0)); // same source again: coalesced
    assert.equal(kicks.length, 1, "one kick: SGI 1 became pending once");
    assert.equal(gic.state.coalesced, 1);
    const first = gic.acknowledge(0);
    assert.deepEqual([first & 0x3ff, (first >>> 10) & 7], [1, 2]);
    assert.equal(gic.isPending(0, 1), true, "still pending from source 5");
    assert.equal(gic.acknowledge(0), 1023, "active: not signalled again before EOI");
    assert.equal(gic.eoi(0, first), true);
    const second = gic.acknowledge(0);
    assert.deepEqual([second & 0x3ff, (second >>> 10) & 7], [1, 5]);
    assert.equal(gic.isPending(0, 1), false);
  });

  it("refuses more than 8 CPUs", () => {
    assert.throws(() => new VirtualGic({ topology: "qemu:9", gicVersion: 2 }), /at most 8/);
  });
});
