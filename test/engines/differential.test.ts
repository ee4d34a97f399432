/**
 * Every engine against the reference model, on random layouts and random writes: the targets of
 * each write must be identical (Xen's documented aliasing aside), no vCPU reached twice, and the
 * resulting SGI state (pending bitmaps, kicks, coalescing, group filtering) identical too.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { encodeSgiHiLo, newSgiWrite, decodeSgiInto, SgiRegister, type SgiWrite } from "../../src/arch/sgi-register.ts";
import { ENGINE_NAMES, prepareEngines, RecordingSink, ReferenceEngine } from "../../src/engines/index.ts";
import { SgiState } from "../../src/state/sgi-state.ts";
import { kvmDefaultAffinity, qemuVirtAffinity, sparseHostAffinity } from "../../src/topology/presets.ts";
import { Topology } from "../../src/topology/topology.ts";
import { params } from "../support/seed.ts";

/** Layout kinds the property covers. */
const layoutArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("kvm" as const), n: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("kvm" as const), n: fc.integer({ min: 81, max: 4096 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("qemu" as const), n: fc.integer({ min: 1, max: 512 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("sparse" as const), n: fc.integer({ min: 1, max: 1024 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("random" as const),
      affs: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff_ffff }).map((a) => (a & 0x0303_070f) >>> 0), { minLength: 1, maxLength: 96 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("rss" as const),
      affs: fc.uniqueArray(fc.integer({ min: 0, max: 0x0101_03ff }).map((a) => (a & 0x0101_03ff) >>> 0), { minLength: 1, maxLength: 96 }),
    }),
  },
);

function buildTopology(l: { kind: string; n?: number; affs?: number[] }): Topology {
  const gen = l.kind === "kvm" ? kvmDefaultAffinity : l.kind === "qemu" ? qemuVirtAffinity : sparseHostAffinity;
  if (l.affs !== undefined) return new Topology(`${l.kind}`, l.affs, l.kind === "rss");
  return new Topology(`${l.kind}:${String(l.n)}`, Array.from({ length: l.n! }, (_, i) => gen(i)), false);
}

/** A write either aimed at a real vCPU's cluster (most) or fully random (RS, IRM, any cluster). */
const writeArb = fc.record({
  pick: fc.nat(),
  aimed: fc.boolean(),
  raw: fc.record({
    intid: fc.integer({ min: 0, max: 15 }),
    aff3: fc.integer({ min: 0, max: 255 }),
    aff2: fc.integer({ min: 0, max: 255 }),
    aff1: fc.integer({ min: 0, max: 255 }),
    targetList: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0xffff, 1, 0x8000, 0x8001)),
    rs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 15 })),
    irm: fc.integer({ min: 0, max: 19 }).map((x) => (x === 0 ? 1 : 0)),
  }),
  register: fc.constantFrom(SgiRegister.SGI1R, SgiRegister.SGI1R, SgiRegister.SGI0R, SgiRegister.ASGI1R),
  sender: fc.nat(),
});

type WriteCase = typeof writeArb extends fc.Arbitrary<infer R> ? R : never;

function materialise(t: Topology, x: WriteCase): { w: SgiWrite; sender: number } {
  const f = { ...x.raw };
  if (x.aimed) {
    const a = t.affinity[x.pick % t.count]!;
    f.aff3 = a >>> 24;
    f.aff2 = (a >>> 16) & 0xff;
    f.aff1 = (a >>> 8) & 0xff;
    if (t.rss) f.rs = (a & 0xff) >>> 4;
  }
  const { hi, lo } = encodeSgiHiLo(f);
  const w = newSgiWrite();
  decodeSgiInto(w, hi, lo, x.register);
  return { w, sender: x.sender % t.count };
}

describe("every engine equals the reference", () => {
  it("on random layouts (KVM, QEMU, sparse, random MPIDRs, RSS; 1..4096 vCPUs) and random writes", () => {
    let cases = 0;
    let compared = 0;
    const reference = new ReferenceEngine();
    fc.assert(
      fc.property(layoutArb, fc.array(writeArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (layout, writes, group0Picks) => {
        const t = buildTopology(layout);
        reference.prepare(t);
        const prepared = prepareEngines(t);
        const refSink = new RecordingSink(t.count);
        const sink = new RecordingSink(t.count);
        // Identical state for reference and engine; some INTIDs configured Group 0 on some vCPUs.
        const states = new Map(ENGINE_NAMES.map((n) => [n, new SgiState(t.count)] as const));
        for (const s of states.values()) for (const p of group0Picks) s.configure(p % t.count, p % 16, { group: 0 });
        for (const x of writes) {
          const { w, sender } = materialise(t, x);
          refSink.clear();
          reference.dispatch(w, sender, refSink);
          const expected = refSink.sorted();
          for (const { engine, support } of prepared) {
            if (!support.supported) continue;
            sink.clear();
            engine.dispatch(w, sender, sink);
            assert.equal(sink.duplicates, 0, `${engine.name} reached a vCPU twice`);
            let want = expected;
            if (engine.name === "xen" && w.irm === 0 && (w.aff2 | w.aff3) !== 0) {
              // Xen reads only Aff1 of the write: Aff2/Aff3 alias to 0 (see src/engines/xen.ts).
              refSink.clear();
              reference.dispatch({ ...w, aff2: 0, aff3: 0 }, sender, refSink);
              want = refSink.sorted();
            }
            assert.deepEqual(sink.sorted(), want, `${engine.name} on ${t.name} (${String(t.count)} vCPUs), write ${JSON.stringify(w)} from ${String(sender)}`);
            engine.dispatch(w, sender, states.get(engine.name)!);
            compared++;
          }
          cases++;
        }
        const ref = states.get("reference")!;
        for (const { engine, support } of prepared) {
          if (!support.supported || engine.name === "reference" || engine.name === "xen") continue;
          const s = states.get(engine.name)!;
          assert.deepEqual(s.pending, ref.pending, `${engine.name}: pending bitmaps differ`);
          assert.deepEqual([s.delivered, s.coalesced, s.kicks, s.groupFiltered], [ref.delivered, ref.coalesced, ref.kicks, ref.groupFiltered], `${engine.name}: counters differ`);
        }
      }),
      params(5_000),
    );
    process.stdout.write(`# differential: ${String(cases)} writes, ${String(compared)} engine comparisons\n`);
    assert.ok(cases >= 10_000, `only ${String(cases)} writes checked`);
  });

  it("every engine supports KVM's default layout except where stated, and vsgi supports every layout", () => {
    const rss = new Topology("rss", [0x0, 0x10, 0xff], true);
    for (const { engine, support } of prepareEngines(rss)) {
      const expectSupported = engine.name === "reference" || engine.name === "vsgi";
      assert.equal(support.supported, expectSupported, engine.name);
      if (!support.supported) assert.match(support.reason, /RS/);
    }
    for (const { engine, support } of prepareEngines(new Topology("kvm", Array.from({ length: 64 }, (_, i) => kvmDefaultAffinity(i)), false))) {
      assert.equal(support.supported, true, engine.name);
    }
  });
});
