/**
 * The cost model's page size: KVM ≥ 6.7 keeps its index table only while 8 + 2·2^bits bytes fit
 * the host page (arch/arm64/kvm/arm.c kvm_init_mpidr_data). The sparse 4-socket layout varies 11
 * affinity bits at 512 vCPUs: no table with 4 KiB pages (a walk per target), a table with 16 KiB.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runModel } from "../../src/model/model.ts";

describe("cost model: host page size", () => {
  const run = (pageSize?: 16384) =>
    runModel({ vcpus: [512], layout: "sparse", workloads: [{ kind: "last-vcpu", name: "last-vcpu" }], engines: ["kvm-mpidr-index"], deliveries: ["list-registers"], writes: 50, ...(pageSize ? { pageSize } : {}) });
  it("walks per target with 4 KiB pages and reads one slot per target with 16 KiB pages, and says which", () => {
    const four = run();
    const sixteen = run(16384);
    assert.equal(four.pageSize, 4096);
    assert.equal(sixteen.pageSize, 16384);
    const row = (o: ReturnType<typeof run>) => o.rows[0]!;
    // last-vcpu: one target per write; the walk finds the last vCPU after examining all 512.
    assert.equal(row(four).visitsPerWrite, 512);
    assert.equal(row(sixteen).visitsPerWrite, 1);
  });
});
