import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  decodeSgiInto,
  decodeSgiRegister,
  encodeSgiHiLo,
  encodeSgiRegister,
  newSgiWrite,
  SGI_RES0_MASK,
  SgiRegister,
  sgiWriteToJson,
} from "../../src/arch/sgi-register.ts";
import { InvalidRegisterError, InvalidValueError } from "../../src/errors.ts";
import { params } from "../support/seed.ts";

const fields = fc.record({
  intid: fc.integer({ min: 0, max: 15 }),
  aff3: fc.integer({ min: 0, max: 255 }),
  aff2: fc.integer({ min: 0, max: 255 }),
  aff1: fc.integer({ min: 0, max: 255 }),
  targetList: fc.integer({ min: 0, max: 0xffff }),
  rs: fc.integer({ min: 0, max: 15 }),
  irm: fc.integer({ min: 0, max: 1 }),
});

describe("ICC_SGI1R_EL1 codec", () => {
  it("places each field at the bits IHI 0069 gives it", () => {
    // Built by hand from the bit table: TargetList 15:0, Aff1 23:16, INTID 27:24, Aff2 39:32,
    // IRM 40, RS 47:44, Aff3 55:48.
    const v = (0x5an << 48n) | (0x9n << 44n) | (1n << 40n) | (0x34n << 32n) | (0xbn << 24n) | (0x12n << 16n) | 0xbeefn;
    const w = decodeSgiRegister(v);
    assert.deepEqual(sgiWriteToJson(w), { register: "sgi1r", intid: 11, aff3: 0x5a, aff2: 0x34, aff1: 0x12, targetList: 0xbeef, rs: 9, irm: 1 });
  });

  it("decodes the issue's example 0x011F8001: SGI 1 to Aff1 31, targets 0 and 15", () => {
    assert.deepEqual(sgiWriteToJson(decodeSgiRegister("0x011F8001")), {
      register: "sgi1r",
      intid: 1,
      aff3: 0,
      aff2: 0,
      aff1: 31,
      targetList: 0x8001,
      rs: 0,
      irm: 0,
    });
  });

  it("round-trips every field combination exactly (encode → decode → encode)", () => {
    fc.assert(
      fc.property(fields, (f) => {
        const v = encodeSgiRegister(f);
        const w = decodeSgiRegister(v);
        const { register: _r, ...back } = sgiWriteToJson(w);
        assert.deepEqual(back, { ...f });
        assert.equal(encodeSgiRegister(back), v);
        assert.equal(v & SGI_RES0_MASK, 0n);
      }),
      params(10_000),
    );
  });

  it("round-trips every RES0-free 64-bit value (decode → encode)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (raw) => {
        const v = raw & ~SGI_RES0_MASK;
        assert.equal(encodeSgiRegister(decodeSgiRegister(v)), v);
      }),
      params(10_000),
    );
  });

  it("always rejects RES0 bits in strict mode, naming them; lenient decode ignores them", () => {
    fc.assert(
      fc.property(fields, fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), (f, noise) => {
        const res0 = noise & SGI_RES0_MASK;
        fc.pre(res0 !== 0n);
        const v = encodeSgiRegister(f) | res0;
        assert.throws(
          () => decodeSgiRegister(v),
          (e: unknown) => e instanceof InvalidRegisterError && e.bits === res0 && /RES0 bit/.test(e.message),
        );
        const { register: _r, ...lenient } = sgiWriteToJson(decodeSgiRegister(v, SgiRegister.SGI1R, { strict: false }));
        assert.deepEqual(lenient, { ...f });
      }),
      params(10_000),
    );
  });

  it("names the exact RES0 bit positions in the message", () => {
    assert.throws(() => decodeSgiRegister("0x0100_0000_0000_0000"), /RES0 bit 56 set/);
    assert.throws(() => decodeSgiRegister("0x0000_0200_1000_0000"), /RES0 bits 28, 41 set/);
  });

  it("the hot-path decoder agrees with the bigint decoder and flags RES0", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 0xffff_ffff }), (hi, lo) => {
        const out = newSgiWrite();
        const flag = decodeSgiInto(out, hi, lo, SgiRegister.SGI0R);
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        assert.equal(flag, (v & SGI_RES0_MASK) !== 0n ? 1 : 0);
        assert.deepEqual(out, decodeSgiRegister(v, SgiRegister.SGI0R, { strict: false }));
        const again = encodeSgiHiLo(out);
        assert.equal((BigInt(again.hi) << 32n) | BigInt(again.lo), v & ~SGI_RES0_MASK);
      }),
      params(10_000),
    );
  });

  it("rejects values that are not hex, negative or wider than 64 bits", () => {
    for (const bad of ["", "0x", "xyz", "0x1g", "12 34", "-1", "0x1_0000_0000_0000_0000"]) {
      assert.throws(() => decodeSgiRegister(bad), InvalidValueError, bad);
    }
    assert.throws(() => decodeSgiRegister(-1n), /negative/);
    assert.throws(() => decodeSgiRegister(2 ** 60), /not a safe integer/);
  });

  it("range-checks fields on encode", () => {
    assert.throws(() => encodeSgiRegister({ intid: 16 }), /intid must be an integer 0..15/);
    assert.throws(() => encodeSgiRegister({ intid: 0, targetList: 0x10000 }), /targetList/);
    assert.throws(() => encodeSgiRegister({ intid: 0, irm: 2 }), /irm/);
  });
});
