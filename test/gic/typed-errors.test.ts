/**
 * The public API refuses bad input with a typed VsgiError (never a TypeError, a RangeError or a
 * silent false), and counts what the GIC itself ignores (issue 13).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidValueError, UnknownVcpuError, UsageError, VsgiError } from "../../src/errors.ts";
import { createEngine } from "../../src/engines/registry.ts";
import { VirtualGic } from "../../src/gic.ts";
import { AtomicSgiState } from "../../src/state/shared.ts";
import { SgiState } from "../../src/state/sgi-state.ts";

function throwsTyped(fn: () => unknown, Class: new (...args: never[]) => VsgiError, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof Class && pattern.test(e.message));
}

describe("typed errors of the public API", () => {
  it("an unknown engine name is a UsageError listing the known ones", () => {
    throwsTyped(() => createEngine("nope"), UsageError, /unknown engine "nope" \(expected one of .*vsgi/);
    throwsTyped(() => new VirtualGic({ topology: "kvm:4", engine: "nope" }), UsageError, /unknown engine "nope"/);
  });

  it("INTIDs that are no SGI are refused; special INTIDs and inactive SGIs are ignored and counted", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    for (const bad of [5000, 16, 1019, -1, 1.5, 1024]) throwsTyped(() => gic.eoi(0, bad), InvalidValueError, /VirtualGic handles SGIs, INTIDs 0\.\.15/);
    throwsTyped(() => gic.isPending(0, 99), InvalidValueError, /SGI INTID must be an integer 0\.\.15/);
    throwsTyped(() => gic.configureSgi(0, 16, { enabled: true }), InvalidValueError, /SGI INTID must be an integer 0\.\.15/);
    throwsTyped(() => gic.configureSgi(0, 1, { priority: 256 }), InvalidValueError, /priority must be 0\.\.255/);
    assert.equal(gic.eoi(0, 1023), false, "EOI of a special INTID is ignored by the GIC");
    assert.equal(gic.eoi(0, 5), false, "EOI of an SGI that is not active is ignored");
    assert.equal(gic.diagnostics.spuriousEois, 2);
  });

  it("out-of-range vCPUs are UnknownVcpuErrors", () => {
    const gic = new VirtualGic({ topology: "kvm:4" });
    throwsTyped(() => gic.acknowledge(4), UnknownVcpuError, /unknown vCPU 4/);
    throwsTyped(() => gic.writeSgi1r(7, 1n), UnknownVcpuError, /unknown vCPU 7 \(sender\)/);
    throwsTyped(() => gic.eoi(-1, 1), UnknownVcpuError, /unknown vCPU -1/);
  });

  it("state buffers of the wrong kind or size are InvalidValueErrors", () => {
    throwsTyped(() => new SgiState(4, new ArrayBuffer(8)), InvalidValueError, /too small for 4 vCPUs/);
    throwsTyped(() => new AtomicSgiState(4, new SharedArrayBuffer(8)), InvalidValueError, /too small for 4 vCPUs/);
    throwsTyped(() => new AtomicSgiState(4, new ArrayBuffer(4096) as unknown as SharedArrayBuffer), InvalidValueError, /needs a SharedArrayBuffer/);
    throwsTyped(() => new AtomicSgiState(8, AtomicSgiState.createBuffer(4)), InvalidValueError, /too small|initialised for 4 vCPUs/);
  });
});
