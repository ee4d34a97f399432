/** Linux ftrace `ipi_raise` import: cpumasks become the SGI1R writes a Linux GICv3 guest makes. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { TraceParseError } from "../../src/errors.ts";
import { presetTopology } from "../../src/topology/index.ts";
import { parseCpumask } from "../../src/trace/ftrace.ts";
import { readTrace } from "../../src/trace/read.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { collect, fixture, SHARED_FIXTURES, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

const HEADER = ["# tracer: nop", "#", "#                                _-----=> irqs-off/BH-disabled", "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", "#              | |         |   |||||     |         |"];

describe("ftrace ipi_raise import", () => {
  it("parses cpumasks printed as comma-separated 32-bit words, most significant first", () => {
    assert.deepEqual(parseCpumask("00000000,0000000a"), [1, 3]);
    assert.deepEqual(parseCpumask("80000000,00000001"), [0, 63]);
    assert.deepEqual(parseCpumask("1,00000000,00000000"), [64]);
    assert.equal(parseCpumask("0000zz00"), undefined);
  });

  it("splits one IPI into one write per cluster run on a 64-vCPU KVM layout", async () => {
    // CPUs 1, 3 (cluster 0), 17 (cluster 1), 63 (cluster 3); Function call = IPI 1 = SGI 1.
    const p = tmp.file(
      "raw.trace",
      [
        ...HEADER,
        "          <idle>-0       [002] d.h2.  9.937196: ipi_raise: target_mask=80000000,0002000a (Function call interrupts)",
        "     kworker/0:1-23      [000] d..1. 10.000001: ipi_entry: (Rescheduling interrupts)",
        " stress-ng-membar-412   [005] dN.1. 10.5: ipi_raise: target_mask=00000000,00000001 (Rescheduling interrupts)",
      ].join("\n"),
    );
    const r = readTrace(p, { topology: presetTopology("kvm:64") });
    const events = await collect(r);
    assert.equal(r.format, "ftrace");
    // Expected ICC_SGI1R_EL1 values written by hand: INTID 1 << 24 | Aff1 << 16 | TargetList.
    assert.deepEqual(
      events.map((e) => ({ sender: e.sender, t: e.t, lo: e.lo, hi: e.hi, group: e.group, line: e.line })),
      [
        { sender: 2, t: 9_937_196, lo: 0x0100_000a, hi: 0, group: 0, line: 6 },
        { sender: 2, t: 9_937_196, lo: 0x0101_0002, hi: 0, group: 0, line: 6 },
        { sender: 2, t: 9_937_196, lo: 0x0103_8000, hi: 0, group: 0, line: 6 },
        { sender: 5, t: 10_500_000, lo: 0x0000_0001, hi: 0, group: 1, line: 8 },
      ],
    );
    const rep = await replayTrace(p, { topology: "kvm:64" });
    assert.equal(rep.writes, 4);
    assert.equal(rep.stats.ipis, 2);
    assert.deepEqual(rep.stats.clustersPerMulticast, { "3": 1 });
    assert.deepEqual(rep.stats.targetsPerWrite, { "1": 3, "2": 1 });
    assert.equal(rep.oracle.checked, 0);
    for (const e of Object.values(rep.engines)) if ("mismatches" in e) assert.equal(e.mismatches, 0);
  });

  it("defaults the topology to qemu:<CPUs seen> with a first pass", async () => {
    const p = tmp.file("default.trace", "  sh-1 [000] d..1. 1.000000: ipi_raise: target_mask=00000000,00020000 (IRQ work interrupts)\n");
    const r = await replayTrace(p);
    assert.equal(r.topology, "qemu:18");
    assert.deepEqual(r.stats.byIntid, { "5": 1 });
    assert.equal(r.stats.crossClusterShare, 1);
  });

  it("rejects an unknown reason and a malformed ipi_raise line with their line numbers", async () => {
    const bad1 = tmp.file("bad1.trace", `${HEADER.join("\n")}\n  sh-1 [000] d..1. 1.000000: ipi_raise: target_mask=00000001 (Mystery interrupts)\n`);
    await assert.rejects(collect(readTrace(bad1, { topology: presetTopology("qemu:4") })), (e: unknown) => e instanceof TraceParseError && e.line === 6 && /unknown IPI reason/.test(e.message));
    const bad2 = tmp.file("bad2.trace", `${HEADER.join("\n")}\n  sh-1 [000] d..1. 1.000000: ipi_raise: target_mask=000\n`);
    await assert.rejects(collect(readTrace(bad2, { topology: presetTopology("qemu:4") })), (e: unknown) => e instanceof TraceParseError && e.line === 6);
  });

  it("reads the capture guest's condensed @@K dump: one write per IPI on 4 vCPUs", async () => {
    const path = fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.console");
    const text = readFileSync(path, "utf8");
    // Independent count: @@K records are `@@K <workload> <cpu> <sec.usec> <mask> <reason>`.
    const records = text.split("\n").map((l) => l.trimEnd()).filter((l) => /^@@K \S+ \d+ \d+\.\d+ /.test(l));
    const r = await replayTrace(path, { format: "ftrace" });
    assert.equal(r.stats.ipis, records.length);
    assert.equal(r.writes, records.length, "4 vCPUs form one cluster: one write per IPI");
    assert.equal(r.stats.byIntid["1"], records.filter((l) => l.endsWith("Function call interrupts")).length);
    assert.equal(r.stats.byIntid["0"], records.filter((l) => l.endsWith("Rescheduling interrupts")).length);
    assert.equal(r.topology, "qemu:4");
  });
});
