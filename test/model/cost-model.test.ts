/**
 * The cost model: published terms derived as stated, visits counted on the engines, lookup
 * shares and break-even sizes recomputed here by hand from the formula.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CITATIONS, MACHINES } from "../../src/model/costs.ts";
import { answerParagraph, runModel } from "../../src/model/model.ts";
import { PROFILES } from "../../src/workload/profiles.ts";

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${String(a)} vs ${String(b)}`);
const LAST = { kind: "last-vcpu", name: "last-vcpu" } as const;

describe("published cost terms", () => {
  it("Kunpeng 920 terms follow from the cited figures", () => {
    const m = MACHINES["kunpeng-920"]!;
    // RFC: vcpu1 1655 ns, vcpu31 2426 ns → 30 more vCPUs walked.
    assert.equal(m.perVisit.ns, 25.7);
    assert.equal(m.trapExit.ns, 408);
    // kvm-unit-tests ipi 1697 ns on 2 vCPUs: hvc 408, a 2-record walk, decode 5, pending 5.
    close(m.kickAndEntry.ns, 1697 - 408 - 2 * 25.7 - 5 - 5, "kick + entry");
    close(m.directSgi.ns, 750 - 408 - 2 * 25.7 - 5 - 5, "direct vSGI");
  });

  it("Altra and D06 per-visit costs come from the MPIDR-index cover letter (63 fewer visits)", () => {
    assert.equal(MACHINES["ampere-altra"]!.perVisit.ns, 19.7); // (3832 − 2593) / 63 = 19.67
    assert.equal(MACHINES["hisilicon-d06"]!.perVisit.ns, 46); // (5309 − 2413) / 63 = 45.97
  });

  it("every term cites a listed source", () => {
    const ids = new Set(Object.values(CITATIONS).map((c) => c.id));
    for (const m of Object.values(MACHINES)) {
      for (const term of [m.trapExit, m.decode, m.perVisit, m.pendingUpdate, m.kickAndEntry, m.directSgi]) {
        assert.ok(term.sources.length > 0 && term.sources.every((s) => ids.has(s)), `${m.name}: ${term.how}`);
      }
    }
  });
});

describe("runModel", () => {
  const out = runModel({ vcpus: [2, 4, 64, 512, 2048], workloads: [LAST], writes: 50 });
  const row = (engine: string, n: number, delivery = "list-registers") => out.rows.find((r) => r.engine === engine && r.vcpus === n && r.delivery === delivery)!;

  it("counts visits on the engines: a linear walk visits N for the last vCPU, the index 1 until its table no longer fits a page", () => {
    for (const n of [2, 4, 64, 512, 2048]) {
      assert.equal(row("kvm-linear", n).visitsPerWrite, n);
      assert.equal(row("vsgi", n).visitsPerWrite, 1);
      assert.equal(row("rfc-affskip", n).visitsPerWrite, 1);
      assert.equal(row("kvm-linear", n).targetsPerWrite, 1);
    }
    assert.equal(row("kvm-mpidr-index", 512).visitsPerWrite, 1);
    // kvm:2048 varies Aff0 (4 bits) and Aff1 (7 bits): 11 bits, 8 + 2·2^11 bytes > 4 KiB → no table.
    assert.equal(row("kvm-mpidr-index", 2048).visitsPerWrite, 2048);
  });

  it("prices the lookup share by the formula", () => {
    // 64 vCPUs, list registers: lookup 64 × 25.7; total = 408 + 5 + lookup + 1 × (5 + 1227.6).
    const lookup = 64 * 25.7;
    close(row("kvm-linear", 64).lookupShare!, lookup / (408 + 5 + lookup + 5 + (1697 - 408 - 51.4 - 10)), "kvm-linear 64");
    // GICv4.1 with every vPE resident: delivery is the direct vSGI.
    close(row("vsgi", 64, "gicv4.1").lookupShare!, 25.7 / (408 + 5 + 25.7 + 5 + (750 - 408 - 51.4 - 10)), "vsgi 64 gicv4.1");
  });

  it("break-even: the linear walk passes 5% at 4 vCPUs (3.0% at 2), the table engines never below 2048", () => {
    const be = (engine: string, delivery: string) => out.breakEven.find((b) => b.workload === "last-vcpu" && b.engine === engine && b.delivery === delivery)!;
    // 2 vCPUs: 51.4 / 1697 = 3.03%; 4 vCPUs: 102.8 / 1748.4 = 5.88%.
    assert.equal(be("kvm-linear", "list-registers").vcpus, 4);
    assert.equal(be("vsgi", "list-registers").vcpus, null);
    assert.equal(be("kvm-mpidr-index", "list-registers").vcpus, 2048);
    // GICv4.1: 51.4 / (750) = 6.9% already at 2 vCPUs.
    assert.equal(be("kvm-linear", "gicv4.1").vcpus, 2);
  });

  it("no resident vPE makes GICv4.1 cost what list registers cost (every SGI takes a doorbell)", () => {
    const o = runModel({ vcpus: [16], workloads: [LAST], writes: 10, resident: 0 });
    const lr = o.rows.find((r) => r.engine === "kvm-linear" && r.delivery === "list-registers")!;
    const v41 = o.rows.find((r) => r.engine === "kvm-linear" && r.delivery === "gicv4.1")!;
    close(lr.totalNs!, v41.totalNs!, "totals");
  });

  it("unsupported layouts are rows with a reason, not numbers", () => {
    const o = runModel({ vcpus: [64], layout: "sparse", workloads: [{ kind: "profile", name: "linux:hackbench", profile: PROFILES.hackbench }], writes: 100 });
    const rfc = o.rows.find((r) => r.engine === "rfc-affskip")!;
    assert.equal(rfc.lookupShare, null);
    assert.match(rfc.unsupported ?? "", /default MPIDR/);
    // A sparse layout still has every target: the index engine finds each by table (64 vCPUs vary < 10 bits).
    assert.equal(o.rows.find((r) => r.engine === "kvm-mpidr-index")!.visitsPerWrite, 1);
  });

  it("the answer paragraph states the break-even sizes and the costs it used", () => {
    const text = answerParagraph(out);
    assert.match(text, /last-vcpu from 4 \(/);
    assert.match(text, /25\.7 ns per vCPU visited/);
    assert.match(text, /from 2048 vCPUs, where its table no longer fits a 4 KiB page and it walks linearly — beyond KVM.s limit of 512 \(projection\)/);
  });
});
