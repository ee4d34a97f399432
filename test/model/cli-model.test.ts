/** `vsgi model` through the real binary: JSON shape, citations, the readable table and bad input. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

const BIN = new URL("../../bin/vsgi.js", import.meta.url).pathname;

function vsgi(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("vsgi model", () => {
  it("--json prints rows per engine, size, workload and delivery, break-even sizes, the answer and every citation", () => {
    const r = vsgi("model", "--json", "--vcpus", "2,4,64", "--workloads", "last-vcpu,linux:hackbench", "--writes", "200");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      question: string;
      answer: string;
      machine: { name: string; perVisit: { ns: number; sources: string[] } };
      rows: { workload: string; delivery: string; engine: string; vcpus: number; visitsPerWrite: number; lookupShare: number }[];
      breakEven: { workload: string; delivery: string; engine: string; vcpus: number | null }[];
      citations: { id: string; text: string }[];
      workloads: { name: string; source: string }[];
    };
    // 2 workloads × 2 deliveries × 6 engines × 3 sizes.
    assert.equal(out.rows.length, 72);
    assert.equal(out.breakEven.length, 24);
    assert.deepEqual(new Set(out.rows.map((x) => x.engine)), new Set(["kvm-linear", "rfc-affskip", "kvm-mpidr-index", "qemu-scan", "xen", "vsgi"]));
    const linear64 = out.rows.find((x) => x.workload === "last-vcpu" && x.delivery === "list-registers" && x.engine === "kvm-linear" && x.vcpus === 64)!;
    assert.equal(linear64.visitsPerWrite, 64);
    assert.equal(out.breakEven.find((b) => b.workload === "last-vcpu" && b.delivery === "list-registers" && b.engine === "kvm-linear")!.vcpus, 4);
    assert.equal(out.machine.name, "kunpeng-920");
    const ids = out.citations.map((c) => c.id);
    for (const id of ["maz-2023", "rfc-2023", "kvm-list-2023", "huawei-2024"]) assert.ok(ids.includes(id), id);
    assert.ok(out.citations.some((c) => c.text.includes("20230907100931.1186690-1-maz@kernel.org")));
    assert.ok(out.citations.some((c) => c.text.includes("20230825015811.5292-1-zhaoxu.35@bytedance.com")));
    assert.match(out.answer, /linear walk/);
    assert.match(out.workloads.find((w) => w.name === "linux:hackbench")!.source, /hackbench_proc/);
  });

  it("prints a readable table with the cited terms", () => {
    const r = vsgi("model", "--vcpus", "4,16", "--workloads", "last-vcpu", "--delivery", "gicv4.1", "--writes", "50");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /lookup share of a vSGI — last-vcpu, gicv4\.1/);
    assert.match(r.stdout, /per visit\s+25\.7 ns\s+derived: \(2426 − 1655\) ns \/ 30/);
    assert.match(r.stdout, /\[rfc-2023\] Xu Zhao/);
  });

  it("rejects bad input with one error line and exit 2", () => {
    for (const args of [
      ["--machine", "vax"],
      ["--workloads", "linux:nope"],
      ["--delivery", "smoke-signals"],
      ["--resident", "2"],
      ["--vcpus", "0"],
      ["--trace", "/nonexistent/trace.log"],
    ]) {
      const r = vsgi("model", ...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^error: /, args.join(" "));
      assert.equal(r.stdout, "");
    }
  });
});
