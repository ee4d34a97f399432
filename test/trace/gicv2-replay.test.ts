/**
 * GICv2 QEMU logs (gic_dist_write at GICD_SGIR, gic_acknowledge_irq, gic_cpu_write at GICC_EOIR)
 * replayed through VirtualGic's GICv2 path: the captured fixture agrees with the model, and the
 * oracle fails when QEMU's record and the model disagree.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { replayGicv2 } from "../../src/trace/qemu-gicv2.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { fixture, OWN_FIXTURES, tempDir } from "./support.ts";

const FIXTURE = fixture(OWN_FIXTURES, "qemu-virt-8cpu-gicv2-sgi-test.log.gz");
const text = gunzipSync(readFileSync(FIXTURE)).toString("utf8");
const lines = text.split("\n");
const tmp = tempDir();
after(() => tmp.cleanup());

function sgirLines(): number[] {
  return lines.flatMap((l, i) => (l.includes(":gic_dist_write dist write at 0x00000f00 size 4: ") ? [i] : []));
}

describe("GICv2 replay", () => {
  it("replays the captured 8-CPU GICv2 fixture with 0 mismatches; counts equal a grep count", async () => {
    const r = await replayTrace(FIXTURE);
    assert.ok(r.gicv2 !== undefined);
    const acks = lines.filter((l) => /:gic_acknowledge_irq cpu \d acknowledged irq (\d|1[0-5])$/.test(l)).length;
    assert.equal(r.gicv2.writes, sgirLines().length);
    assert.equal(r.gicv2.acknowledged, acks);
    assert.equal(r.gicv2.eoisChecked, acks);
    assert.equal(r.gicv2.cpus, 8);
    assert.equal(r.gicv2.pendingAtEnd, 0);
    assert.equal(r.gicv2.mismatches, 0);
    // Every write that was not coalesced is one acknowledge.
    assert.equal(r.gicv2.modelDeliveries - r.gicv2.coalesced, acks);
    for (const e of Object.values(r.engines)) assert.ok("unsupported" in e);
  });

  it("fails when an acknowledged SGI was never written (a GICD_SGIR line removed)", async () => {
    const drop = sgirLines()[10]!;
    const p = tmp.file("dropped.log", lines.filter((_, i) => i !== drop).join("\n"));
    const r = await replayGicv2(p);
    assert.ok(r.mismatches > 0);
    assert.ok(r.firstMismatch !== null);
  });

  it("fails when an EOI names another source CPU than the model's", async () => {
    const i = lines.findIndex((l) => / iface write at 0x00000010 0x00000[0-9a-f]0[0-9a-e]$/.test(l) && !l.endsWith("0x0000000f"));
    assert.ok(i >= 0);
    const changed = [...lines];
    changed[i] = changed[i]!.replace(/0x00000([0-9a-f])([0-9a-f]{2})$/, (_m, s: string, id: string) => `0x00000${((Number.parseInt(s, 16) ^ 4) & 0xf).toString(16)}${id}`);
    const r = await replayGicv2(tmp.file("eoi.log", changed.join("\n")));
    assert.ok(r.mismatches > 0);
    assert.match(r.firstMismatch!.message, /EOIs SGI \d+ from CPU/);
  });

  it("rejects a GICD_SGIR write on a thread that never said which CPU it is", async () => {
    const p = tmp.file("nocpu.log", "77@1.000001:gic_dist_write dist write at 0x00000f00 size 4: 0x00010001\n");
    await assert.rejects(replayGicv2(p), /GICD_SGIR write on thread 77 before any gic_cpu_write/);
  });
});
