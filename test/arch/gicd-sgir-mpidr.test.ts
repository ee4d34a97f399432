import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeGicdSgir, encodeGicdSgir, GICD_SGIR_RES0_MASK, TargetListFilter } from "../../src/arch/gicd-sgir.ts";
import { affinityOfMpidr, formatAffinity, mpidrOfAffinity, packAffinity, unpackAffinity } from "../../src/arch/mpidr.ts";
import { InvalidRegisterError, TopologyError } from "../../src/errors.ts";
import { params } from "../support/seed.ts";

describe("GICD_SGIR codec", () => {
  it("decodes the fields from IHI 0048B's bit table", () => {
    // SGIINTID 3:0 = 5, NSATT 15 = 1, CPUTargetList 23:16 = 0xa4, TargetListFilter 25:24 = 0
    assert.deepEqual(decodeGicdSgir("0x00a48005"), { sgiIntid: 5, nsatt: 1, cpuTargetList: 0xa4, targetListFilter: TargetListFilter.LIST });
    assert.equal(decodeGicdSgir("0x02000003").targetListFilter, TargetListFilter.SELF);
  });

  it("round-trips every valid value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (raw) => {
        const v = (raw & ~GICD_SGIR_RES0_MASK) >>> 0;
        fc.pre((v >>> 24) !== 3);
        assert.equal(encodeGicdSgir(decodeGicdSgir(v)), v);
      }),
      params(10_000),
    );
  });

  it("rejects RES0 bits and the reserved filter in strict mode", () => {
    assert.throws(() => decodeGicdSgir("0x00000010"), (e: unknown) => e instanceof InvalidRegisterError && /RES0 bit 4 set/.test(e.message));
    assert.throws(() => decodeGicdSgir("0x03000001"), /TargetListFilter 0b11 is reserved/);
    assert.throws(() => decodeGicdSgir("0x1_0000_0000"), /does not fit in 32 bits/);
    assert.equal(decodeGicdSgir("0x03000011", { strict: false }).targetListFilter, 3);
  });
});

describe("MPIDR_EL1", () => {
  it("maps Aff3 to bits 39:32 and keeps Aff2..Aff0 in 23:0", () => {
    assert.equal(affinityOfMpidr("0x12_0034_5678"), 0x1234_5678);
    assert.equal(mpidrOfAffinity(0x1234_5678), 0x12_0034_5678n);
    assert.equal(formatAffinity(0x0102_0304), "1.2.3.4");
  });

  it("accepts RES1 bit 31 and rejects MT, U and RES0 bits", () => {
    assert.equal(affinityOfMpidr("0x80000103"), 0x103);
    assert.throws(() => affinityOfMpidr("0x1000000"), (e: unknown) => e instanceof TopologyError && /outside the affinity fields/.test(e.message));
    assert.throws(() => affinityOfMpidr("0x40000000"), TopologyError);
    assert.throws(() => affinityOfMpidr("0x100_0000_0000"), TopologyError);
    assert.throws(() => affinityOfMpidr("nope"), TopologyError);
  });

  it("packs and unpacks affinities exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (a) => {
        assert.equal(packAffinity(unpackAffinity(a)), a);
        assert.equal(affinityOfMpidr(mpidrOfAffinity(a)), a);
      }),
      params(10_000),
    );
  });
});
