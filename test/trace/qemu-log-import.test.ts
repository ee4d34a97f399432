/** QEMU `-trace` log import on hand-written logs: threads, other events, corrupt input. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { TraceParseError } from "../../src/errors.ts";
import { presetTopology } from "../../src/topology/index.ts";
import { readTrace } from "../../src/trace/read.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { collect, fixture, SHARED_FIXTURES, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

const gen = (tid: number, us: number, src: string, sgi: number, aff: string, tl: string): string =>
  `${String(tid)}@1700000000.${String(us).padStart(6, "0")}:gicv3_icc_generate_sgi GICv3 CPU i/f 0x${src} generating SGI ${String(sgi)} IRM 0 target affinity 0x${aff}xx targetlist 0x${tl}`;
const send = (tid: number, us: number, dst: string, sgi: number): string =>
  `${String(tid)}@1700000000.${String(us).padStart(6, "0")}:gicv3_redist_send_sgi GICv3 redistributor 0x${dst} pending SGI ${String(sgi)}`;

async function errorOf(p: Promise<unknown>): Promise<TraceParseError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TraceParseError, `expected TraceParseError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a TraceParseError");
}

describe("QEMU log import", () => {
  it("pairs deliveries with the write of the same thread when threads interleave", async () => {
    const p = tmp.file(
      "interleaved.log",
      [
        gen(10, 1, "0", 1, "0", "6"),
        gen(11, 2, "1", 0, "0", "1"),
        send(10, 3, "1", 1),
        send(11, 4, "0", 0),
        "some console text the guest printed",
        send(10, 5, "2", 1),
        "12@1700000000.000006:pl011_write addr 0x0 value 0x41",
        "10@1700000000.000007:gicv3_icc_iar1_read GICv3 ICC_IAR1 read cpu 0x0 value 0x1b",
        "",
      ].join("\n"),
    );
    const r = readTrace(p);
    const events = await collect(r);
    const byLine = events.map((e) => ({ line: e.line, sender: e.sender, intid: e.write.intid, targetList: e.write.targetList, deliveries: e.deliveries }));
    assert.deepEqual(
      byLine.sort((a, b) => a.line - b.line),
      [
        { line: 1, sender: 0, intid: 1, targetList: 6, deliveries: [1, 2] },
        { line: 2, sender: 1, intid: 0, targetList: 1, deliveries: [0] },
      ],
    );
    assert.equal(r.format, "qemu");
    assert.equal(r.otherLines, 3);
  });

  it("maps affinities of a ≥ 16-vCPU QEMU virt guest to vCPU ids (Aff1 * 16 + Aff0)", async () => {
    // vCPU 17 = affinity 0x101 writes to cluster 1 (aff 0x1) TargetList bit 2 → vCPU 18.
    const p = tmp.file("big.log", `${gen(5, 1, "101", 3, "1", "4")}\n${send(5, 2, "102", 3)}\n`);
    const [e] = await collect(readTrace(p));
    assert.equal(e!.sender, 17);
    assert.deepEqual(e!.deliveries, [18]);
    assert.equal(e!.write.aff1, 1);
    assert.equal(e!.lo, (3 << 24) | (1 << 16) | 4);
    const r = await replayTrace(p);
    assert.equal(r.topology, "qemu:19");
    assert.equal(r.oracle.mismatches, 0);
  });

  it("decodes Aff2, Aff3 and IRM from the generate line into the register value", async () => {
    const p = tmp.file("aff.log", "1@1.000001:gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 15 IRM 1 target affinity 0x30201xx targetlist 0xffff\n");
    const [e] = await collect(readTrace(p, { topology: presetTopology("kvm:2") }));
    // hi: Aff3 (0x03) << 16 | IRM << 8 | Aff2 (0x02); lo: INTID 15 << 24 | Aff1 (0x01) << 16 | 0xffff.
    assert.equal(e!.hi, 0x0003_0102);
    assert.equal(e!.lo, 0x0f01_ffff);
    assert.equal(e!.write.irm, 1);
    assert.equal(e!.t, 1_000_001);
  });

  it("reads lines logged without -msg timestamp=on as one thread", async () => {
    const p = tmp.file("bare.log", "gicv3_icc_generate_sgi GICv3 CPU i/f 0x1 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x1\ngicv3_redist_send_sgi GICv3 redistributor 0x0 pending SGI 1\n");
    const [e] = await collect(readTrace(p));
    assert.deepEqual(e!.deliveries, [0]);
  });

  it("rejects a line cut in half with file, line number and text", async () => {
    const cut = gen(10, 2, "0", 1, "0", "2").slice(0, 70);
    const p = tmp.file("cut.log", `${gen(10, 1, "0", 1, "0", "2")}\n${send(10, 1, "1", 1)}\n${cut}\n${gen(10, 3, "0", 1, "0", "2")}\n`);
    const e = await errorOf(collect(readTrace(p)));
    assert.equal(e.file, p);
    assert.equal(e.line, 3);
    assert.equal(e.text, cut);
    assert.match(e.message, /cut\.log:3: malformed gicv3_icc_generate_sgi line/);
  });

  it("rejects a trace line cut before its event name", async () => {
    const p = tmp.file("cut2.log", `${gen(10, 1, "0", 1, "0", "2")}\n10@1700000000.00\n`);
    const e = await errorOf(collect(readTrace(p)));
    assert.equal(e.line, 2);
  });

  it("--lenient skips and counts malformed lines, keeping the rest", async () => {
    const p = tmp.file("lenient.log", [gen(10, 1, "0", 1, "0", "2"), send(10, 2, "1", 1), gen(10, 3, "0", 1, "0", "2").slice(0, 60), send(11, 4, "1", 1), gen(10, 5, "0", 1, "0", "4"), send(10, 6, "2", 1)].join("\n"));
    const r = readTrace(p, { lenient: true });
    const events = await collect(r);
    assert.equal(events.length, 2);
    assert.equal(r.lenientSkipped, 2, "the cut line and the orphan delivery");
    assert.deepEqual(r.problems.map((e) => e.line), [3, 4]);
    const report = await replayTrace(p, { lenient: true });
    assert.equal(report.lenientSkipped, 2);
    assert.equal(report.writes, 2);
  });

  it("rejects a delivery with no generate line before it on its thread", async () => {
    const p = tmp.file("orphan.log", `${gen(10, 1, "0", 1, "0", "2")}\n${send(11, 2, "1", 1)}\n`);
    const e = await errorOf(collect(readTrace(p)));
    assert.equal(e.line, 2);
    assert.match(e.message, /no gicv3_icc_generate_sgi line before it on thread 11/);
  });

  it("rejects a delivery of another SGI than the write's", async () => {
    const p = tmp.file("other-sgi.log", `${gen(10, 1, "0", 1, "0", "2")}\n${send(10, 2, "1", 2)}\n`);
    assert.equal((await errorOf(collect(readTrace(p)))).line, 2);
  });

  it("a generate line with no delivery lines is a write QEMU delivered nowhere: the oracle flags it", async () => {
    const p = tmp.file("nodeliv.log", [gen(10, 1, "0", 1, "0", "2"), send(10, 2, "1", 1), gen(10, 3, "1", 1, "0", "1"), gen(10, 4, "0", 1, "0", "2"), send(10, 5, "1", 1)].join("\n"));
    const r = await replayTrace(p, { topology: "qemu:2" });
    assert.equal(r.writes, 3);
    assert.equal(r.oracle.checked, 3);
    assert.equal(r.oracle.mismatches, 1);
    assert.deepEqual(r.oracle.firstMismatch, { line: 3, sender: 1, value: "0x1000001", expected: [0], actual: [] });
  });

  it("rejects binary garbage in a trace with its line", async () => {
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0x80]);
    const p = tmp.file("garbage.log", Buffer.concat([Buffer.from(`${gen(10, 1, "0", 1, "0", "2")}\n${send(10, 2, "1", 1)}\n`), garbage, Buffer.from(`\n${gen(10, 3, "0", 1, "0", "2")}\n`)]));
    const e = await errorOf(collect(readTrace(p)));
    assert.equal(e.line, 3);
    assert.match(e.message, /binary data/);
  });

  it("rejects a file of garbage bytes as no known format", async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const p = tmp.file("noise.bin", bytes);
    await errorOf(collect(readTrace(p)));
  });

  it("gives up telling the format after a bounded amount of free text", async () => {
    const p = tmp.file("console-only.txt", "[    0.000000] Booting Linux on physical CPU 0x0\n".repeat(25_000));
    const e = await errorOf(collect(readTrace(p)));
    assert.match(e.message, /no QEMU, ftrace or JSONL trace line in the first 20001 lines; pass the format/);
    // With the format given, free text is skipped and counted, not an error.
    const r = readTrace(p, { format: "qemu" });
    assert.deepEqual(await collect(r), []);
    assert.equal(r.otherLines, 25_000);
  });

  it("rejects a truncated gzip instead of ending early", async () => {
    const whole = readFileSync(fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz"));
    const p = tmp.file("truncated.log.gz", whole.subarray(0, Math.floor(whole.length / 2)));
    const e = await errorOf(collect(readTrace(p)));
    assert.match(e.message, /truncated or corrupt/);
    assert.ok(e.line > 1000, `error names the last line reached (${String(e.line)})`);
    // Even --lenient never truncates silently.
    await errorOf(collect(readTrace(p, { lenient: true })));
    await errorOf(replayTrace(p, { lenient: true }));
  });

  it("reads plain and gzip input alike (gzip told by its magic bytes, not its name)", async () => {
    const text = `${gen(10, 1, "0", 1, "0", "2")}\n${send(10, 2, "1", 1)}\n`;
    const plain = await collect(readTrace(tmp.file("a.log", text)));
    const gz = await collect(readTrace(tmp.file("a-compressed.log", gzipSync(text))));
    assert.deepEqual(gz, plain);
  });

  it("names an affinity outside the topology", async () => {
    const p = tmp.file("outside.log", `${gen(10, 1, "0", 1, "0", "2")}\n${send(10, 2, "1", 1)}\n`);
    const e = await errorOf(collect(readTrace(p, { topology: presetTopology("kvm:1") })));
    assert.match(e.message, /redistributor affinity 0x1 is not a vCPU of topology kvm:1/);
  });
});
