/**
 * AtomicSgiState behaves exactly like the plain SgiState when used from one thread, and its
 * shared buffer is initialised once and attached by others.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { UsageError } from "../../src/errors.ts";
import { VirtualGic } from "../../src/gic.ts";
import { SgiRegister } from "../../src/arch/sgi-register.ts";
import { AtomicSgiState, atomicClearBit, atomicOrNewly, atomicSetBit, sharedSgiLayout } from "../../src/state/shared.ts";
import { sgiStateLayout } from "../../src/state/layout.ts";
import { SgiState } from "../../src/state/sgi-state.ts";

type Op =
  | { kind: "write"; register: 0 | 1 | 2; sender: number; hi: number; lo: number }
  | { kind: "ack"; vcpu: number }
  | { kind: "eoi"; vcpu: number; intid: number }
  | { kind: "config"; vcpu: number; intid: number; group: 0 | 1; priority: number; enabled: boolean };

const VCPUS = 40; // two bitmap words, the second partly used

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      register: fc.constantFrom(0 as const, 1 as const, 2 as const),
      sender: fc.nat(VCPUS - 1),
      // Aff1 0..3 (clusters of 16 on kvm:40), IRM set now and then.
      hi: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1 << 8) }),
      lo: fc.tuple(fc.nat(15), fc.nat(3), fc.nat(0xffff)).map(([intid, aff1, tl]) => ((intid << 24) | (aff1 << 16) | tl) >>> 0),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("ack" as const), vcpu: fc.nat(VCPUS - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("eoi" as const), vcpu: fc.nat(VCPUS - 1), intid: fc.nat(15) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("config" as const),
      vcpu: fc.nat(VCPUS - 1),
      intid: fc.nat(15),
      group: fc.constantFrom(0 as const, 1 as const),
      priority: fc.constantFrom(0x00, 0x80, 0xa0, 0xf0),
      enabled: fc.boolean(),
    }),
  },
);

describe("AtomicSgiState, single thread", () => {
  it("gives the same results, counters, kicks and bitmaps as the plain state for any operation sequence", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const plain = new VirtualGic({ topology: `kvm:${String(VCPUS)}` });
        const shared = new VirtualGic({ topology: `kvm:${String(VCPUS)}`, concurrent: true });
        assert.ok(shared.state instanceof AtomicSgiState);
        assert.ok(!(plain.state instanceof AtomicSgiState));
        const kicksPlain: number[] = [];
        const kicksShared: number[] = [];
        plain.onKick((v, i) => kicksPlain.push(v * 16 + i));
        shared.onKick((v, i) => kicksShared.push(v * 16 + i));
        for (const op of ops) {
          switch (op.kind) {
            case "write":
              assert.equal(shared.writeSgi(op.register, op.sender, op.hi, op.lo), plain.writeSgi(op.register, op.sender, op.hi, op.lo));
              break;
            case "ack":
              assert.equal(shared.acknowledge(op.vcpu), plain.acknowledge(op.vcpu));
              break;
            case "eoi":
              assert.equal(shared.eoi(op.vcpu, op.intid), plain.eoi(op.vcpu, op.intid));
              break;
            case "config":
              plain.configureSgi(op.vcpu, op.intid, { group: op.group, priority: op.priority, enabled: op.enabled });
              shared.configureSgi(op.vcpu, op.intid, { group: op.group, priority: op.priority, enabled: op.enabled });
              break;
          }
        }
        assert.deepEqual(kicksShared, kicksPlain);
        assert.deepEqual(shared.diagnostics, plain.diagnostics);
        for (const k of ["delivered", "coalesced", "kicks", "groupFiltered"] as const) assert.equal(shared.state[k], plain.state[k], k);
        assert.deepEqual(Array.from(shared.state.pending), Array.from(plain.state.pending));
        assert.deepEqual(Array.from(shared.state.active), Array.from(plain.state.active));
      }),
      { seed: 0x5eed7, numRuns: 300 },
    );
  });

  it("puts the plain state first in the buffer and a header after it", () => {
    const layout = sharedSgiLayout(512);
    assert.equal(layout.state.bytes, sgiStateLayout(512).bytes);
    assert.equal(layout.header, sgiStateLayout(512).bytes);
    assert.equal(layout.bytes, layout.header + 16);
  });
});

describe("shared buffer", () => {
  it("is initialised by the first state and seen by a second one attached to it", () => {
    const buffer = AtomicSgiState.createBuffer(64);
    const a = new AtomicSgiState(64, buffer);
    const b = new AtomicSgiState(64, buffer);
    a.setPending(33, 5);
    assert.equal(b.isPending(33, 5), true);
    assert.equal(b.isEnabled(63, 15), true, "reset enabled every SGI");
    assert.equal(b.acknowledge(33), 5);
    assert.equal(a.isActive(33, 5), true);
    assert.equal(a.acknowledge(33), 1023, "already claimed");
    assert.equal(a.eoi(33, 5), true);
    assert.equal(b.eoi(33, 5), false, "a second EOI finds nothing active");
  });

  it("rejects a buffer initialised for another vCPU count, too small, or not shared", () => {
    const buffer = AtomicSgiState.createBuffer(64);
    assert.throws(() => new AtomicSgiState(63, buffer), /initialised for 64 vCPUs/);
    assert.throws(() => new AtomicSgiState(64, new SharedArrayBuffer(sgiStateLayout(64).bytes)), /too small/);
    assert.throws(() => new AtomicSgiState(4, new ArrayBuffer(4096) as unknown as SharedArrayBuffer), /SharedArrayBuffer/);
  });

  it("makes VirtualGic atomic when given a SharedArrayBuffer, plain for an ArrayBuffer", () => {
    const n = 16;
    const shared = new VirtualGic({ topology: `kvm:${String(n)}`, buffer: new SharedArrayBuffer(sharedSgiLayout(n).bytes) });
    assert.ok(shared.state instanceof AtomicSgiState);
    const plain = new VirtualGic({ topology: `kvm:${String(n)}`, buffer: new ArrayBuffer(sgiStateLayout(n).bytes) });
    assert.ok(plain.state instanceof SgiState && !(plain.state instanceof AtomicSgiState));
    assert.throws(() => new VirtualGic({ topology: "kvm:4", gicVersion: 2, concurrent: true }), UsageError);
    assert.throws(() => new VirtualGic({ topology: "kvm:4", concurrent: true, buffer: new ArrayBuffer(4096) }), UsageError);
  });

  it("writes through two VirtualGics over one buffer reach each other's vCPUs", () => {
    const buffer = AtomicSgiState.createBuffer(32);
    const g1 = new VirtualGic({ topology: "kvm:32", buffer });
    const g2 = new VirtualGic({ topology: "kvm:32", buffer });
    // SGI 1 to Aff1 = 1, TargetList bit 15: vCPU 31.
    assert.equal(g1.writeSgi(SgiRegister.SGI1R, 0, 0, 0x0101_8000), 1);
    assert.equal(g2.acknowledge(31), 1);
    assert.equal(g2.eoi(31, 1), true);
    assert.equal(g1.acknowledge(31), 1023);
  });
});

describe("Atomics helpers", () => {
  it("report whether they changed the bit", () => {
    const w = new Uint32Array(new SharedArrayBuffer(8));
    assert.equal(atomicSetBit(w, 1, 1 << 31), true);
    assert.equal(atomicSetBit(w, 1, 1 << 31), false);
    assert.equal(w[1], 0x8000_0000);
    assert.equal(atomicOrNewly(w, 1, 0x8000_0003), 3);
    assert.equal(atomicClearBit(w, 1, 2), true);
    assert.equal(atomicClearBit(w, 1, 2), false);
    assert.equal(w[1], 0x8000_0001);
  });
});
