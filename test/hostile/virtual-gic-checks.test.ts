/**
 * Issue 17, items 6, 7 and 8: what a caller hands VirtualGic and the state is checked, and every
 * refusal is a VsgiError subclass with a code that names the option and the values it takes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEngine, engineNames } from "../../src/engines/registry.ts";
import { ErrorCode, InvalidOptionError, InvalidValueError, StateBufferError, UsageError, VsgiError } from "../../src/errors.ts";
import { VirtualGic, type VirtualGicOptions } from "../../src/gic.ts";
import { sgiStateLayout } from "../../src/state/layout.ts";
import { AtomicSgiState, sharedSgiLayout } from "../../src/state/shared.ts";
import { SgiState } from "../../src/state/sgi-state.ts";

const bad = (o: unknown): VirtualGicOptions => o as VirtualGicOptions;

function optionError(option: string, allowed: RegExp): (e: unknown) => boolean {
  return (e: unknown) => e instanceof InvalidOptionError && e.code === ErrorCode.InvalidOption && e.option === option && allowed.test(e.message);
}

describe("VirtualGic options are checked", () => {
  it("engine \"foo\" is an InvalidOptionError listing the registered engines, not a later TypeError", () => {
    assert.throws(() => new VirtualGic(bad({ topology: "kvm:4", engine: "foo" })), optionError("engine", new RegExp(`expected one of ${engineNames().join(", ")}`)));
  });

  it("createEngine(\"nope\") throws a UsageError instead of returning undefined", () => {
    assert.throws(() => createEngine("nope"), (e: unknown) => e instanceof UsageError && /unknown engine "nope"/.test(e.message));
  });

  it("gicVersion 4, delivery \"foo\", a non-boolean strict and an unknown option are refused, named", () => {
    assert.throws(() => new VirtualGic(bad({ topology: "kvm:4", gicVersion: 4 })), optionError("gicVersion", /expected 2 or 3/));
    assert.throws(() => new VirtualGic(bad({ topology: "kvm:4", delivery: "foo" })), optionError("delivery", /"list-registers" or "gicv4\.1"/));
    assert.throws(() => new VirtualGic(bad({ topology: "kvm:4", strict: "yes" })), optionError("strict", /true or false/));
    assert.throws(() => new VirtualGic(bad({ topology: "kvm:4", engines: "vsgi" })), optionError("engines", /has no option "engines"/));
    assert.throws(() => new VirtualGic(bad({ topology: 4 })), optionError("topology", /preset/));
    assert.throws(() => new VirtualGic(bad(null)), optionError("options", /object/));
  });

  it("an out-of-range group, priority or INTID in configureSgi is refused, named", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    assert.throws(() => gic.configureSgi(0, 1, bad({ group: 2 })), optionError("group", /0 or 1/));
    assert.throws(() => gic.configureSgi(0, 1, { priority: 256 }), optionError("priority", /0\.\.255/));
    assert.throws(() => gic.configureSgi(0, 16, {}), (e: unknown) => e instanceof InvalidValueError && /INTID must be 0\.\.15/.test(e.message));
  });
});

describe("EOI and register halves", () => {
  it("GICv3 eoi(vcpu, 1025) does not deactivate SGI 1: it is ignored and counted", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    gic.writeSgi1r(0, 0x1000002n); // SGI 1 to vCPU 1
    assert.equal(gic.acknowledge(1), 1);
    assert.equal(gic.eoi(1, 1025), false);
    assert.equal(gic.eoi(1, 16), false);
    assert.equal(gic.eoi(1, -1), false);
    assert.equal(gic.diagnostics.spuriousEois, 3);
    // SGI 1 is still active: a second SGI 1 is pending but cannot be acknowledged before the EOI.
    assert.equal(gic.eoi(1, 1), true);
    assert.equal(gic.diagnostics.spuriousEois, 3);
  });

  it("GICv2 eoi keeps the GICC_EOIR format: CPUID bits 12:10 above the INTID", () => {
    const gic = new VirtualGic({ topology: "kvm:4", gicVersion: 2 });
    gic.writeGicdSgir(2, (1 << 17) | 5); // SGI 5 from CPU 2 to CPU 1
    const iar = gic.acknowledge(1);
    assert.equal(iar, (2 << 10) | 5);
    assert.equal(gic.eoi(1, iar), true);
  });

  it("writeSgi refuses hi or lo that is not a uint32, and a register that is not 0, 1 or 2", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    for (const [hi, lo] of [[2 ** 32, 0], [0, -1], [0, 1.5], [Number.NaN, 0], [0, 2 ** 32 + 2]] as const) {
      assert.throws(() => gic.writeSgi(0, 0, hi, lo), (e: unknown) => e instanceof InvalidValueError && /must be a uint32 number/.test(e.message), `${String(hi)} ${String(lo)}`);
    }
    assert.throws(() => gic.writeSgi(7 as 0, 0, 0, 1), (e: unknown) => e instanceof InvalidValueError && e.where === "register");
    assert.equal(gic.diagnostics.writes, 0);
  });
});

describe("state buffers", () => {
  it("a too-small state buffer is a StateBufferError with code state-buffer, not a RangeError", () => {
    assert.throws(() => new SgiState(64, new ArrayBuffer(8)), (e: unknown) => e instanceof StateBufferError && e.code === "state-buffer" && /too small/.test(e.message));
    assert.throws(() => new VirtualGic({ topology: "kvm:64", buffer: new ArrayBuffer(8) }), StateBufferError);
    assert.throws(() => new AtomicSgiState(64, new SharedArrayBuffer(8)), StateBufferError);
    assert.throws(() => new AtomicSgiState(64, new ArrayBuffer(sharedSgiLayout(64).bytes) as unknown as SharedArrayBuffer), StateBufferError);
    assert.equal(new SgiState(64, new ArrayBuffer(sgiStateLayout(64).bytes)).count, 64);
  });

  it("a vCPU count that is not an integer 1..4096 is an InvalidValueError", () => {
    for (const n of [0, -1, 1.5, Number.NaN, 4097]) assert.throws(() => new SgiState(n), (e: unknown) => e instanceof VsgiError && e.code === "invalid-value", String(n));
  });

  it("a shared buffer initialised for another vCPU count is a StateBufferError", () => {
    const buffer = AtomicSgiState.createBuffer(8);
    assert.throws(() => new AtomicSgiState(4, buffer), StateBufferError);
  });
});
