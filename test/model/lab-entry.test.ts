/** The lab's entry point to the cost model: report-ready tables, trace replays become workloads. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as model from "../../src/model/index.ts";

describe("costModel (vsgi lab)", () => {
  it("is what the lab finds (no runModel(bench, traces) with another signature) and fits a workload per replayed trace", () => {
    assert.equal("runModel" in model, false);
    const replay = { trace: "t.log.gz", vcpus: 4, writes: 100, stats: { unicastShare: 0.9, targetsPerWrite: { 1: 90, 3: 10 }, byIntid: { 1: 100 }, irm: 0, clustersPerMulticast: {}, crossClusterShare: 0, ipis: 100 } };
    const out = model.costModel(undefined, { replays: [replay, { trace: "bad.log", error: "boom" }] });
    const rows = out.listRegisters as { workload: string; engine: string; vcpus: number; lookupShare: number }[];
    assert.ok(rows.length > 0 && rows.every((r) => typeof r.lookupShare === "number" && typeof r.vcpus === "number" && typeof r.engine === "string"));
    assert.ok(rows.some((r) => r.workload === "trace:t.log.gz"));
    assert.ok((out.gicv41DirectVsgi as unknown[]).length === rows.length);
    assert.match(String(out.answer), /linear walk/);
    assert.ok((out.citations as { id: string }[]).some((c) => c.id === "maz-2023"));
  });
});
