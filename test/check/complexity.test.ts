/**
 * The complexity rows: visits per write against VM size with a fitted log-log slope, checked on
 * engines whose costs are known exactly from their source comments (kvm-linear: unicast to vCPU
 * i visits i + 1, IRM visits n; vsgi: one slot per target), and projections labelled as such.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { complexityRows, formatComplexity, logLogSlope, MEASURED_SIZES, PROJECTED_SIZES } from "../../src/check/complexity.ts";
import { KvmLinearEngine, VsgiEngine } from "../../src/engines/index.ts";

describe("complexity rows", () => {
  it("fits the log-log slope: y = 3x has slope 1, y = 5 slope 0, y = x² slope 2; no slope from one point", () => {
    const xs = [16, 32, 64, 128];
    assert.ok(Math.abs(logLogSlope(xs, xs.map((x) => 3 * x))! - 1) < 1e-12);
    assert.ok(Math.abs(logLogSlope(xs, xs.map(() => 5))!) < 1e-12);
    assert.ok(Math.abs(logLogSlope(xs, xs.map((x) => x * x))! - 2) < 1e-12);
    assert.equal(logLogSlope(xs, [4, null, 0, null]), null);
  });

  it("kvm-linear: IRM visits exactly n and the last-cluster unicast n on KVM's layout (slope 1)", () => {
    const rows = complexityRows(() => new KvmLinearEngine());
    const broadcast = rows.find((r) => r.family === "kvm" && r.workload === "broadcast")!;
    assert.deepEqual(broadcast.visits, [...MEASURED_SIZES]);
    assert.ok(Math.abs(broadcast.slope! - 1) < 1e-9);
    assert.deepEqual(broadcast.projected.map((v) => Math.round(v!)), [...PROJECTED_SIZES]);
    const last = rows.find((r) => r.family === "kvm" && r.workload === "last-cluster")!;
    assert.deepEqual(last.visits, [...MEASURED_SIZES], "unicast to vCPU n - 1 visits n");
  });

  it("vsgi: one visit per unicast on every family (slope 0)", () => {
    for (const r of complexityRows(() => new VsgiEngine()).filter((x) => x.workload === "unicast" || x.workload === "last-cluster")) {
      assert.deepEqual(r.visits, MEASURED_SIZES.map(() => 1), `${r.family} ${r.workload}`);
      assert.equal(r.slope, 0);
    }
  });

  it("labels projections as projected in the text table", () => {
    const text = formatComplexity(complexityRows(() => new VsgiEngine()));
    assert.match(text, /PROJECTED from the fitted log-log slope, not measured/);
    assert.match(text, /~1024/);
  });
});
