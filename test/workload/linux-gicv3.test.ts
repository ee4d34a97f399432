/** The Linux GICv3 IPI split (SPEC §4): one SGI1R write per run of CPUs sharing a cluster. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSgiRegister, sgiWriteToJson } from "../../src/arch/sgi-register.ts";
import { joinU64 } from "../../src/arch/value.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { Topology } from "../../src/topology/topology.ts";
import { linuxSgi1rWrites } from "../../src/workload/linux-gicv3.ts";

const fieldsOf = (writes: ReturnType<typeof linuxSgi1rWrites>) => writes.map((w) => sgiWriteToJson(decodeSgiRegister(joinU64(w.hi, w.lo))));

describe("linuxSgi1rWrites", () => {
  it("groups CPUs by cluster in logical order: {1, 2, 17, 40} on kvm:64 → three writes", () => {
    assert.deepEqual(
      fieldsOf(linuxSgi1rWrites(presetTopology("kvm:64"), [40, 17, 2, 1], 1)).map((f) => [f.aff1, f.targetList, f.irm, f.rs]),
      [
        [0, 0b110, 0, 0],
        [1, 0b10, 0, 0],
        [2, 0b1_0000_0000, 0, 0],
      ],
    );
  });

  it("a cluster interleaved in logical order is written once per run", () => {
    // Logical CPUs 0..3 alternate between clusters 0 and 1.
    const t = new Topology("interleaved", [0x000, 0x100, 0x001, 0x101], false);
    assert.deepEqual(
      fieldsOf(linuxSgi1rWrites(t, [0, 1, 2, 3], 6)).map((f) => [f.intid, f.aff1, f.targetList]),
      [
        [6, 0, 0b1],
        [6, 1, 0b1],
        [6, 0, 0b10],
        [6, 1, 0b10],
      ],
    );
  });

  it("sets RS = Aff0 >> 4 on RSS layouts and splits Aff0 ranges into separate writes", () => {
    const t = new Topology("rss", [0x000, 0x011, 0x01f, 0x020], true);
    assert.deepEqual(
      fieldsOf(linuxSgi1rWrites(t, [0, 1, 2, 3], 0)).map((f) => [f.rs, f.targetList]),
      [
        [0, 0b1],
        [1, 0b1000_0000_0000_0010],
        [2, 0b1],
      ],
    );
  });

  it("rejects CPUs the topology does not have", () => {
    assert.throws(() => linuxSgi1rWrites(presetTopology("kvm:4"), [4], 1), /unknown vCPU 4/);
  });
});
