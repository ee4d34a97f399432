/**
 * A 1 GiB QEMU log, generated on the fly, streams through the importer in constant memory:
 * RSS after warm-up may not grow by more than a fixed bound, far below the input size.
 * VSGI_BIG_TRACE_BYTES overrides the size (e.g. 4e9 for a longer soak).
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { readTraceFrom } from "../../src/trace/read.ts";

const TOTAL = process.env.VSGI_BIG_TRACE_BYTES !== undefined ? Number(process.env.VSGI_BIG_TRACE_BYTES) : 2 ** 30;
const WARMUP_BYTES = 64 * 2 ** 20;
const MAX_RSS_GROWTH = 128 * 2 ** 20;

/** One block of an 8-vCPU log: 400 writes with their deliveries, plus console-event lines. */
function block(): { bytes: Buffer; writes: number; lines: number } {
  const lines: string[] = [];
  let writes = 0;
  for (let i = 0; i < 400; i++) {
    const cpu = i % 8;
    const tid = 4000 + cpu;
    const dst = (cpu + 1 + (i % 3)) % 8;
    const us = String(100000 + i).padStart(6, "0");
    lines.push(`${String(tid)}@1795570343.${us}:gicv3_icc_generate_sgi GICv3 CPU i/f 0x${cpu.toString(16)} generating SGI ${String(i % 2)} IRM 0 target affinity 0x0xx targetlist 0x${(1 << dst).toString(16)}`);
    lines.push(`${String(tid)}@1795570343.${us}:gicv3_redist_send_sgi GICv3 redistributor 0x${dst.toString(16)} pending SGI ${String(i % 2)}`);
    if (i % 4 === 0) lines.push(`${String(tid)}@1795570343.${us}:pl011_write addr 0x0 value 0x41`);
    writes++;
  }
  return { bytes: Buffer.from(`${lines.join("\n")}\n`), writes, lines: lines.length };
}

describe("streaming import", () => {
  it(`reads a ${(TOTAL / 2 ** 30).toFixed(2)} GiB synthetic QEMU log with bounded RSS growth`, { timeout: 600_000 }, async () => {
    const b = block();
    const blocks = Math.ceil(TOTAL / b.bytes.length);
    const open = async (): Promise<Readable> => {
      let n = 0;
      return new Readable({
        read() {
          this.push(n++ < blocks ? b.bytes : null);
        },
      });
    };
    const reader = readTraceFrom(open, "synthetic-1gib.log");
    const warmupEvents = Math.ceil(WARMUP_BYTES / b.bytes.length) * b.writes;
    let events = 0;
    let deliveries = 0;
    let baseline = 0;
    let peak = 0;
    for await (const e of reader) {
      events++;
      deliveries += e.deliveries?.length ?? 0;
      if (events === warmupEvents) baseline = process.memoryUsage().rss;
      else if (events > warmupEvents && (events & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.equal(events, blocks * b.writes);
    assert.equal(deliveries, blocks * b.writes);
    assert.equal(reader.lines, blocks * b.lines);
    assert.ok(baseline > 0 && peak > 0);
    const growth = peak - baseline;
    assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB over ${(blocks * b.bytes.length / 2 ** 20).toFixed(0)} MiB of input`);
  });
});
