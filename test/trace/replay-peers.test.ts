/**
 * Replay names each engine's peer and counts the writes on which a peer rule decided: a guest's
 * ICC_SGI0R_EL1 write is UNDEF on Xen (arm64/vsysreg.c → vgic-v3.c vgic_v3_emulate_sysreg, 4.22.0)
 * and, with every SGI in Group 1, reaches nobody on KVM (vgic_v3_queue_sgi) or QEMU
 * (gicv3_redist_send_sgi). Past a peer's limit the engine is unsupported with the limit.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { replayTrace } from "../../src/trace/replay.ts";

function trace(topology: string, lines: readonly object[]): string {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-replay-peers-"));
  const f = join(dir, "t.jsonl");
  writeFileSync(f, [JSON.stringify({ format: "vsgi-trace", version: 1, topology }), ...lines.map((l) => JSON.stringify(l))].join("\n") + "\n");
  return f;
}

describe("replay: peers and their rules", () => {
  it("counts the writes each peer rule decided", async () => {
    const f = trace("kvm:4", [
      { t: 1, sender: 0, register: "sgi0r", value: "0x1000002" },
      { t: 2, sender: 0, register: "sgi1r", value: "0x1000002" },
    ]);
    const r = await replayTrace(f);
    const rules = (name: string) => {
      const e = r.engines[name]!;
      assert.ok("rules" in e, name);
      return e.rules ?? {};
    };
    assert.equal((r.engines.xen as { peer?: string }).peer, "xen-4.x");
    assert.deepEqual(Object.values(rules("xen")), [1]);
    assert.match(Object.keys(rules("xen"))[0]!, /Xen: UNDEF/);
    assert.match(Object.keys(rules("kvm-linear"))[0]!, /KVM: SGI0R\/ASGI1R reach only targets that configured the INTID as Group 0/);
    assert.match(Object.keys(rules("qemu-scan"))[0]!, /QEMU drops SGI0R\/ASGI1R at a Group 1 target/);
    assert.deepEqual(rules("vsgi"), { "architecture (vsgi): SGI0R/ASGI1R reach only Group 0 targets": 1 });
  });

  it("marks an engine past its peer's limit unsupported, with the limit", async () => {
    const r = await replayTrace(trace("kvm:129", [{ t: 1, sender: 0, register: "sgi1r", value: "0x1080001" }]));
    const xen = r.engines.xen!;
    assert.ok("unsupported" in xen && /beyond Xen's limit of 128/.test(xen.unsupported));
    assert.ok("mismatches" in r.engines["kvm-linear"]!);
  });
});
