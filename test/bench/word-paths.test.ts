/**
 * The word-parallel paths the benchmark leans on (vsgi's `deliverWord` multicast, SgiState's
 * all-but-self fast path) must leave exactly the state, counters and kicks that one `deliver`
 * per target leaves. The expectation comes from the reference engine through a sink without
 * `deliverWord`, replayed into a fresh state one target at a time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiInto, encodeSgiHiLo, newSgiWrite, SgiRegister } from "../../src/arch/sgi-register.ts";
import { createRng } from "../../src/workload/rng.ts";
import { RecordingSink, ReferenceEngine, VsgiEngine } from "../../src/engines/index.ts";
import { SgiState } from "../../src/state/sgi-state.ts";
import { AtomicSgiState } from "../../src/state/shared.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { Topology } from "../../src/topology/topology.ts";

function layouts(): Topology[] {
  const rng = createRng(77);
  const random = new Set<number>();
  while (random.size < 90) random.add((rng.next() & 0x0103_030f) >>> 0);
  return [presetTopology("kvm:64"), presetTopology("kvm:100"), presetTopology("qemu:48"), presetTopology("sparse:512"), new Topology("random", [...random], false)];
}

describe("word-parallel delivery equals one delivery per target", () => {
  for (const t of layouts()) {
    for (const [makeState, listen] of [
      [(n: number) => new SgiState(n), true],
      [(n: number) => new SgiState(n), false],
      [(n: number) => new AtomicSgiState(n), true],
    ] as const) {
      const kind = makeState(1).constructor.name;
      it(`${t.name} (${String(t.count)} vCPUs) into ${kind}${listen ? " with a kick listener" : ""}: pending, counters${listen ? " and kicks" : ""}`, () => {
        const rng = createRng(t.count);
        const vsgi = new VsgiEngine();
        vsgi.prepare(t);
        const reference = new ReferenceEngine();
        reference.prepare(t);
        const got = makeState(t.count);
        const want = makeState(t.count);
        for (let k = 0; k < 40; k++) {
          const v = rng.below(t.count);
          const intid = rng.below(16);
          got.configure(v, intid, { group: 0 });
          want.configure(v, intid, { group: 0 });
        }
        const gotKicks: number[] = [];
        const wantKicks: number[] = [];
        if (listen) {
          // A listener sends all-but-self down SgiState's general path; without one, the fast path.
          got.onKick = (v, i) => gotKicks.push(v * 16 + i);
          want.onKick = (v, i) => wantKicks.push(v * 16 + i);
        }
        const rec = new RecordingSink(t.count);
        const w = newSgiWrite();
        for (let k = 0; k < 3000; k++) {
          const a = t.affinity[rng.below(t.count)]!;
          const shape = rng.below(10);
          const targetList = shape < 4 ? 0xffff : shape < 8 ? rng.below(0x10000) : 1 << rng.below(16);
          const { hi, lo } = encodeSgiHiLo({ intid: rng.below(8), aff3: a >>> 24, aff2: (a >>> 16) & 0xff, aff1: (a >>> 8) & 0xff, targetList, irm: shape === 9 && rng.below(4) === 0 ? 1 : 0 });
          const register = rng.below(5) === 0 ? SgiRegister.SGI0R : SgiRegister.SGI1R;
          decodeSgiInto(w, hi, lo, register);
          const sender = rng.below(t.count);
          // Clear some pending bits now and then, so both newly pending and coalesced paths run.
          if (k % 97 === 0) {
            got.pending.fill(0);
            want.pending.fill(0);
          }
          vsgi.dispatch(w, sender, got);
          rec.clear();
          reference.dispatch(w, sender, rec);
          for (const target of rec.sorted()) want.deliver(target, w);
        }
        assert.deepEqual(got.pending, want.pending);
        assert.deepEqual([got.delivered, got.coalesced, got.kicks, got.groupFiltered], [want.delivered, want.coalesced, want.kicks, want.groupFiltered]);
        assert.deepEqual([...gotKicks].sort((x, y) => x - y), [...wantKicks].sort((x, y) => x - y));
        assert.ok(want.kicks > 100 && want.coalesced > 100 && want.groupFiltered > 0, "every path exercised");
      });
    }
  }
});
