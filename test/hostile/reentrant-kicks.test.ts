/**
 * Issue 17, item 12: a kick listener that writes an SGI re-enters VirtualGic. Kicks are delivered
 * after the write that caused them was dispatched, so the inner write never runs inside the
 * engine's loop over the outer write's targets; a listener that throws does not stop the other
 * kicks, and the write rethrows once. Checked against a model with no re-entrancy at all: each
 * write is applied whole (targets by the architecture's rule, computed here), then its kicks are
 * handed out in ascending vCPU order, depth first.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { createEngine, engineNames } from "../../src/engines/registry.ts";
import { VirtualGic } from "../../src/gic.ts";
import { presetTopology, type Topology } from "../../src/topology/index.ts";
import { params } from "../support/seed.ts";

const sgi1r = (intid: number, aff1: number, targetList: number, irm = 0): bigint =>
  (BigInt(intid) << 24n) | (BigInt(irm) << 40n) | (BigInt(aff1) << 16n) | BigInt(targetList);

function counts(kicks: readonly (readonly [number, number])[]): Record<number, number> {
  const c: Record<number, number> = {};
  for (const [, i] of kicks) c[i] = (c[i] ?? 0) + 1;
  return c;
}

describe("re-entrant writes from kick listeners", () => {
  it("kvm-linear on kvm:64: SGI 2 to vCPUs 0..15 whose first kick writes SGI 3 to vCPU 63 kicks 16 × SGI 2 and 1 × SGI 3", () => {
    const gic = new VirtualGic({ topology: "kvm:64", engine: "kvm-linear" });
    const kicks: [number, number][] = [];
    let first = true;
    gic.onKick((v, i) => {
      kicks.push([v, i]);
      if (first) {
        first = false;
        gic.writeSgi1r(0, sgi1r(3, 3, 1 << 15));
      }
    });
    assert.equal(gic.writeSgi1r(0, sgi1r(2, 0, 0xffff)), 16);
    assert.deepEqual(counts(kicks), { 2: 16, 3: 1 });
    assert.deepEqual(kicks[1], [63, 3], "the inner write's kick comes right after the kick that made it");
  });

  it("vsgi: an IRM write whose first kick makes another IRM write kicks 63 of each on kvm:64", () => {
    const gic = new VirtualGic({ topology: "kvm:64", engine: "vsgi" });
    const kicks: [number, number][] = [];
    let first = true;
    gic.onKick((v, i) => {
      kicks.push([v, i]);
      if (first) {
        first = false;
        gic.writeSgi1r(5, sgi1r(3, 0, 0, 1));
      }
    });
    gic.writeSgi1r(0, sgi1r(2, 0, 0, 1));
    assert.deepEqual(counts(kicks), { 2: 63, 3: 63 });
  });

  it("a listener that throws: every target is still kicked, every listener called, and the write rethrows once", () => {
    for (const engine of engineNames()) {
      const gic = new VirtualGic({ topology: "kvm:64", engine });
      const seen: number[] = [];
      const after: number[] = [];
      const boom = new Error("listener failed");
      let thrown = 0;
      gic.onKick((v) => {
        seen.push(v);
        if (v === 1 || v === 2) {
          thrown++;
          throw boom;
        }
      });
      gic.onKick((v) => after.push(v));
      assert.throws(() => gic.writeSgi1r(0, sgi1r(4, 0, 0x00ff)), (e: unknown) => e === boom, engine);
      assert.equal(thrown, 2, engine);
      assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7], engine);
      assert.deepEqual(after, [0, 1, 2, 3, 4, 5, 6, 7], engine);
      for (let v = 0; v < 8; v++) assert.equal(gic.isPending(v, 4), true, engine);
      // The router is back at rest: the next write kicks normally.
      seen.length = 0;
      gic.writeSgi1r(0, sgi1r(5, 0, 1 << 9));
      assert.deepEqual(seen, [9], engine);
    }
  });

  it("GICv2: a listener writing GICD_SGIR during a GICD_SGIR write kicks each newly pending SGI once", () => {
    const gic = new VirtualGic({ topology: "kvm:8", gicVersion: 2 });
    const kicks: [number, number][] = [];
    let first = true;
    gic.onKick((v, i) => {
      kicks.push([v, i]);
      if (first) {
        first = false;
        gic.writeGicdSgir(7, (1 << 24) | 3); // SGI 3 to every CPU but 7
      }
    });
    gic.writeGicdSgir(0, (0xff << 16) | 2); // SGI 2 to CPUs 0..7
    assert.deepEqual(counts(kicks), { 2: 8, 3: 7 });
  });
});

// ------------------------------------------------------------------ property: engines vs model

interface PlannedWrite {
  readonly sender: number;
  readonly value: bigint;
}
interface Plan {
  readonly first: PlannedWrite[];
  /** Writes a listener makes when (vcpu, intid) is kicked, keyed `vcpu * 16 + intid`. */
  readonly onKick: Map<number, PlannedWrite[]>;
  /** Keys whose kick makes the throwing listener throw. */
  readonly throwOn: Set<number>;
}

/** The architecture's targets of an SGI1R write on a layout without RSS, ascending. */
function targetsOf(topology: Topology, sender: number, value: bigint): number[] {
  const irm = Number((value >> 40n) & 1n);
  const cluster = Number((value >> 16n) & 0xffn) | (Number((value >> 32n) & 0xffn) << 8) | (Number((value >> 48n) & 0xffn) << 16);
  const list = Number(value & 0xffffn);
  const out: number[] = [];
  for (let v = 0; v < topology.count; v++) {
    const a = topology.affinity[v]!;
    if (irm === 1 ? v !== sender : a >>> 8 === cluster && (a & 0xff) < 16 && ((list >>> (a & 0xff)) & 1) === 1) out.push(v);
  }
  return out;
}

interface Outcome {
  kicks: number[];
  caught: number;
  thrownAtTop: number;
  delivered: number;
}

/** Every write applied whole, kicks then handed out depth first: no re-entrancy anywhere. */
function model(topology: Topology, plan: Plan): Outcome {
  const pending = new Set<number>();
  const o: Outcome = { kicks: [], caught: 0, thrownAtTop: 0, delivered: 0 };
  const apply = (w: PlannedWrite): boolean => {
    const intid = Number((w.value >> 24n) & 15n);
    const newly: number[] = [];
    for (const v of targetsOf(topology, w.sender, w.value)) {
      o.delivered++;
      const key = v * 16 + intid;
      if (!pending.has(key)) {
        pending.add(key);
        newly.push(key);
      }
    }
    let throws = false;
    for (const key of newly) {
      o.kicks.push(key);
      if (plan.throwOn.has(key)) throws = true;
      for (const inner of plan.onKick.get(key) ?? []) if (apply(inner)) o.caught++;
    }
    return throws;
  };
  for (const w of plan.first) if (apply(w)) o.thrownAtTop++;
  return o;
}

function run(topology: Topology, engine: string, plan: Plan): Outcome {
  const gic = new VirtualGic({ topology, engine });
  const o: Outcome = { kicks: [], caught: 0, thrownAtTop: 0, delivered: 0 };
  gic.onKick((v, i) => o.kicks.push(v * 16 + i));
  gic.onKick((v, i) => {
    if (plan.throwOn.has(v * 16 + i)) throw new Error(`listener throws at ${String(v)}:${String(i)}`);
  });
  gic.onKick((v, i) => {
    for (const w of plan.onKick.get(v * 16 + i) ?? []) {
      try {
        gic.writeSgi1r(w.sender, w.value);
      } catch {
        o.caught++;
      }
    }
  });
  for (const w of plan.first) {
    try {
      gic.writeSgi1r(w.sender, w.value);
    } catch {
      o.thrownAtTop++;
    }
  }
  o.delivered = gic.state.delivered;
  return o;
}

const TOPOLOGIES = ["kvm:64", "qemu:64", "sparse:64", "kvm:40"];

/** A layout each engine serves, so every registered engine is exercised. */
function topologyFor(engine: string): Topology {
  for (const spec of TOPOLOGIES) {
    const t = presetTopology(spec);
    if (createEngine(engine).prepare(t).supported) return t;
  }
  throw new Error(`no test topology for engine ${engine}`);
}

const writeArb = (t: Topology): fc.Arbitrary<PlannedWrite> => {
  const clusters = [...new Set(Array.from(t.affinity, (a) => a >>> 8))];
  return fc.record({
    sender: fc.nat(t.count - 1),
    value: fc.tuple(fc.nat(15), fc.constantFrom(...clusters), fc.nat(0xffff), fc.nat(9)).map(([intid, c, list, irm]) => {
      const clusterBits = (BigInt(c & 0xff) << 16n) | (BigInt((c >>> 8) & 0xff) << 32n) | (BigInt((c >>> 16) & 0xff) << 48n);
      return (BigInt(intid) << 24n) | clusterBits | BigInt(list) | (irm === 0 ? 1n << 40n : 0n);
    }),
  });
};

const planArb = (t: Topology): fc.Arbitrary<Plan> =>
  fc
    .tuple(
      fc.array(writeArb(t), { minLength: 1, maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(t.count * 16 - 1), fc.array(writeArb(t), { minLength: 1, maxLength: 3 })), { maxLength: 12 }),
      fc.array(fc.nat(t.count * 16 - 1), { maxLength: 4 }),
    )
    .map(([first, entries, throwOn]) => ({ first, onKick: new Map(entries), throwOn: new Set(throwOn) }));

describe("re-entrant writes match a model without re-entrancy (property, every engine)", () => {
  for (const engine of engineNames()) {
    it(`${engine}: kicks (order included), deliveries, caught and rethrown errors`, () => {
      const t = topologyFor(engine);
      fc.assert(
        fc.property(planArb(t), (plan) => {
          assert.deepEqual(run(t, engine, plan), model(t, plan));
        }),
        params(300),
      );
    });
  }
});
