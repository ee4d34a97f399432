/**
 * The oracle suite: real QEMU traces of a Linux arm64 guest. Counts are derived independently
 * (grep-level over the decompressed text), and every engine plus QEMU's own recorded deliveries
 * must agree with the reference model on every write.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { ENGINE_NAMES } from "../../src/engines/index.ts";
import { readTrace } from "../../src/trace/read.ts";
import { replayTrace } from "../../src/trace/replay.ts";
import { collect, fixture, OWN_FIXTURES, SHARED_FIXTURES } from "./support.ts";

interface GrepCount {
  writes: number;
  deliveries: number;
  byIntid: Record<string, number>;
  maxCpu: number;
}

/** Counts the two events with plain string tests, independent of the importer's parsing. */
function grepCount(path: string): GrepCount {
  const text = gunzipSync(readFileSync(path)).toString("utf8");
  const c: GrepCount = { writes: 0, deliveries: 0, byIntid: {}, maxCpu: 0 };
  for (const line of text.split("\n")) {
    if (line.includes(":gicv3_icc_generate_sgi ")) {
      c.writes++;
      const n = line.split(" generating SGI ")[1]!.split(" ")[0]!;
      c.byIntid[n] = (c.byIntid[n] ?? 0) + 1;
    } else if (line.includes(":gicv3_redist_send_sgi ")) {
      c.deliveries++;
      const dst = Number.parseInt(line.split(" redistributor 0x")[1]!.split(" ")[0]!, 16);
      c.maxCpu = Math.max(c.maxCpu, (dst >> 8) * 16 + (dst & 0xff));
    }
  }
  return c;
}

const SHARED = ["qemu-virt-4vcpu-linux6.1.log.gz", "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz"];
// The README of fixtures/shared states these counts; the grep count must agree with them too.
const DOCUMENTED: Record<string, { writes: number; deliveries: number }> = {
  "qemu-virt-4vcpu-linux6.1.log.gz": { writes: 29970, deliveries: 29997 },
  "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz": { writes: 1688, deliveries: 1810 },
};

/** The repository's GICv3 captures (the GICv2 one has its own oracle: gicv2-replay.test.ts). */
function ownTraces(): string[] {
  if (!existsSync(OWN_FIXTURES)) throw new Error(`fixture folder missing: ${OWN_FIXTURES}`);
  return readdirSync(OWN_FIXTURES)
    .filter((f) => f.endsWith(".log.gz") && !f.includes("gicv2"))
    .sort();
}

describe("replay of real QEMU traces", () => {
  const cases = [...SHARED.map((n) => fixture(SHARED_FIXTURES, n)), ...ownTraces().map((n) => fixture(OWN_FIXTURES, n))];

  it("has the repository's own captures (4, 8, 20, 32, 64 and 128 vCPUs), each at most 1 MB gzipped", () => {
    assert.deepEqual(ownTraces(), [
      "qemu-virt-128vcpu-linux6.1-vsgi-capture.log.gz",
      "qemu-virt-20vcpu-linux6.1-vsgi-capture.log.gz",
      "qemu-virt-32vcpu-linux6.1-vsgi-capture.log.gz",
      "qemu-virt-4vcpu-linux6.1-vsgi-capture.log.gz",
      "qemu-virt-64vcpu-linux6.1-vsgi-capture.log.gz",
      "qemu-virt-8vcpu-linux6.1-vsgi-capture.log.gz",
    ]);
    for (const f of ownTraces()) assert.ok(statSync(join(OWN_FIXTURES, f)).size <= 1_000_000, f);
  });

  for (const path of cases) {
    const name = path.split("/").pop()!;
    it(`${name}: writes and deliveries equal a grep count; 0 engine and oracle mismatches`, async () => {
      const g = grepCount(path);
      const doc = DOCUMENTED[name];
      if (doc !== undefined) assert.deepEqual({ writes: g.writes, deliveries: g.deliveries }, doc);
      const r = await replayTrace(path);
      assert.equal(r.writes, g.writes);
      assert.equal(r.deliveries, g.deliveries);
      assert.equal(r.referenceDeliveries, g.deliveries);
      assert.equal(r.vcpus, g.maxCpu + 1);
      assert.deepEqual(r.stats.byIntid, g.byIntid);
      assert.equal(r.oracle.checked, g.writes);
      assert.equal(r.oracle.mismatches, 0, JSON.stringify(r.oracle.firstMismatch));
      assert.deepEqual(Object.keys(r.engines), [...ENGINE_NAMES]);
      for (const [engine, e] of Object.entries(r.engines)) {
        assert.ok("mismatches" in e, `${engine} unsupported on ${r.topology}`);
        assert.equal(e.mismatches, 0, `${engine}: ${JSON.stringify(e.firstMismatch)}`);
      }
      assert.equal(r.lenientSkipped, 0);
    });
  }

  it("reads the first write of the 4-vCPU trace as QEMU logged it", async () => {
    // Line 1: `CPU i/f 0x1 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x1`,
    // line 2: `redistributor 0x0 pending SGI 1` → ICC_SGI1R_EL1 = INTID 1 << 24 | TargetList 1.
    for await (const e of readTrace(fixture(SHARED_FIXTURES, SHARED[0]!))) {
      assert.deepEqual(
        { t: e.t, sender: e.sender, hi: e.hi, lo: e.lo, deliveries: e.deliveries, line: e.line, intid: e.write.intid, targetList: e.write.targetList },
        { t: 1795570343089442, sender: 1, hi: 0, lo: 0x0100_0001, deliveries: [0], line: 1, intid: 1, targetList: 1 },
      );
      break;
    }
  });

  it("keeps each write's deliveries with its own thread when vCPU threads interleave", async () => {
    // Every event's deliveries must equal the TargetList bits (4 vCPUs, one cluster): a mix-up
    // between threads would attach one write's delivery to another.
    const events = await collect(readTrace(fixture(SHARED_FIXTURES, SHARED[1]!)));
    for (const e of events) {
      const bits = [0, 1, 2, 3].filter((b) => ((e.write.targetList >> b) & 1) === 1);
      assert.deepEqual(e.deliveries, bits, `line ${String(e.line)}`);
    }
  });

  it("lists every shared trace the README documents", () => {
    for (const n of SHARED) fixture(SHARED_FIXTURES, n);
    assert.ok(readdirSync(SHARED_FIXTURES).includes("README.md"), join(SHARED_FIXTURES, "README.md"));
  });
});
