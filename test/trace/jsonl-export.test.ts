/** vsgi's JSONL trace format and `vsgi export`: a round trip keeps every event. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { exportTrace } from "../../src/cli/export.ts";
import { TraceParseError } from "../../src/errors.ts";
import { readTrace } from "../../src/trace/read.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { collect, fixture, SHARED_FIXTURES, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

const strip = (e: { t: number; sender: number; hi: number; lo: number; deliveries?: readonly number[] }) => ({ t: e.t, sender: e.sender, hi: e.hi, lo: e.lo, deliveries: e.deliveries });

describe("JSONL traces", () => {
  it("export then import gives the QEMU trace's events back, with its topology in the header", async () => {
    const src = fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz");
    const out = join(tmp.dir, "h.jsonl.gz");
    const res = await exportTrace(src, out);
    assert.equal(res.writes, 1688);
    assert.equal(res.topology, "qemu:4");
    const a = (await collect(readTrace(src))).map(strip);
    const r = readTrace(out);
    const b = (await collect(r)).map(strip);
    assert.deepEqual(b, a);
    assert.equal(r.format, "jsonl");
    assert.equal(r.headerTopology?.count, 4);
    const rep = await replayTrace(out);
    assert.equal(rep.topology, "qemu:4");
    assert.equal(rep.oracle.mismatches, 0);
    assert.equal(rep.deliveries, 1810);
  });

  it("keeps 64-bit values exactly (Aff3 above 2^53 as hex text)", async () => {
    const p = tmp.file("wide.jsonl", '{"t":1,"sender":0,"register":"sgi0r","value":"0x00ff00ff01ff0001","group":3}\n');
    const [e] = await collect(readTrace(p));
    assert.equal(e!.hi, 0x00ff00ff);
    assert.equal(e!.lo, 0x01ff0001);
    assert.equal(e!.write.aff3, 0xff);
    assert.equal(e!.write.aff2, 0xff);
    assert.equal(e!.write.register, 1);
    assert.equal(e!.group, 3);
    assert.equal(e!.deliveries, undefined);
  });

  it("rejects malformed lines with their numbers", async () => {
    const cases = ['{"t":1,"sender":0,"value":"0x1000001"}\n{"t":2,"sender":0,"value":"0x10000', '{"t":1,"sender":-1,"value":"0x1"}', '{"t":1,"sender":0,"value":"0x1","deliveries":[0.5]}', '{"t":1,"sender":0,"value":"0x10000000000000000"}', "[1,2]"];
    const lines = [2, 1, 1, 1, 1];
    for (const [i, c] of cases.entries()) {
      const p = tmp.file(`bad${String(i)}.jsonl`, c);
      await assert.rejects(collect(readTrace(p)), (e: unknown) => e instanceof TraceParseError && e.line === lines[i], c);
    }
  });

  it("bounds sender and deliveries by the header topology", async () => {
    const p = tmp.file("bounded.jsonl", '{"format":"vsgi-trace","version":1,"topology":"kvm:2"}\n{"t":1,"sender":5,"value":"0x1000001"}\n');
    await assert.rejects(collect(readTrace(p)), /sender" must be a vCPU id of topology kvm:2/);
  });
});
