/** GICv4.1 direct vSGI delivery in VirtualGic: resident vPEs take no kick, others a doorbell. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VirtualGic } from "../../src/gic.ts";

describe("VirtualGic delivery gicv4.1", () => {
  it("a resident target is injected directly: no kick listener call, counted in directInjections", () => {
    const gic = new VirtualGic({ topology: "kvm:64", delivery: "gicv4.1" });
    const kicked: number[] = [];
    gic.onKick((v) => kicked.push(v));
    gic.writeSgi1r(0, 0x01038000n); // SGI 1 → vCPU 63 (Aff1 3, bit 15)
    assert.deepEqual([kicked, gic.directInjections, gic.doorbells, gic.isPending(63, 1)], [[], 1, 0, true]);
  });

  it("a non-resident target rings its doorbell and the listeners run; an already pending SGI rings nothing", () => {
    const gic = new VirtualGic({ topology: "kvm:8", delivery: "gicv4.1" });
    const kicked: number[] = [];
    gic.onKick((v) => kicked.push(v));
    gic.setResident(5, false);
    gic.writeSgi1r(1, 0x10001000000n); // IRM: all but vCPU 1
    assert.deepEqual([kicked, gic.directInjections, gic.doorbells], [[5], 6, 1]);
    gic.writeSgi1r(2, 0x01000020n); // SGI 1 → vCPU 5 again: coalesced
    assert.deepEqual([kicked, gic.doorbells], [[5], 1]);
  });

  it("list registers (default) kick every newly pending target; setResident needs gicv4.1; GICv2 refuses gicv4.1", () => {
    const gic = new VirtualGic({ topology: "kvm:8" });
    const kicked: number[] = [];
    gic.onKick((v) => kicked.push(v));
    gic.writeSgi1r(0, 0x01000006n);
    assert.deepEqual([kicked, gic.delivery, gic.directInjections, gic.doorbells], [[1, 2], "list-registers", 0, 0]);
    assert.throws(() => gic.setResident(1, false), /gicv4\.1/);
    assert.throws(() => new VirtualGic({ topology: "kvm:4", gicVersion: 2, delivery: "gicv4.1" }), /GICv3/);
  });
});
