/** The replay's traffic statistics on hand-made JSONL traces (kvm:32: clusters of 16). */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { replayTrace } from "../../src/trace/replay.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

// value = INTID << 24 | Aff1 << 16 | TargetList (ICC_SGI1R_EL1 low half).
const w = (t: number, sender: number, intid: number, aff1: number, tl: number, extra = ""): string =>
  `{"t":${String(t)},"sender":${String(sender)},"value":"0x${((intid << 24) | (aff1 << 16) | tl).toString(16)}"${extra}}`;

describe("trace statistics", () => {
  it("counts unicast share, targets per write, INTIDs, cross-cluster writes and IRM", async () => {
    const p = tmp.file(
      "s.jsonl",
      [
        '{"format":"vsgi-trace","version":1,"topology":"kvm:32"}',
        w(0, 0, 1, 0, 0b10), // → vCPU 1
        w(5000, 0, 1, 1, 0b1), // → vCPU 16, other cluster
        w(9000, 3, 0, 0, 0b111), // → vCPUs 0, 1, 2
        `{"t":9500,"sender":4,"value":"0x10000000000"}`, // IRM = 1, INTID 0: all but 4 → 31 targets
      ].join("\n"),
    );
    const r = await replayTrace(p);
    assert.equal(r.topology, "kvm:32");
    assert.deepEqual(r.stats, {
      unicastShare: 0.5,
      targetsPerWrite: { "1": 2, "3": 1, "31": 1 },
      // vCPU 0's two writes are 5 ms apart: two IPIs, not one split cpumask.
      clustersPerMulticast: { "1": 1, "2": 1 },
      byIntid: { "0": 2, "1": 2 },
      irm: 1,
      crossClusterShare: 0.5,
      ipis: 4,
    });
  });

  it("joins a sender's back-to-back writes to ascending clusters into one multicast (Linux's cpumask split)", async () => {
    const p = tmp.file(
      "m.jsonl",
      [
        '{"format":"vsgi-trace","version":1,"topology":"kvm:64"}',
        w(100, 2, 1, 0, 0b1000), // vCPU 3
        w(103, 2, 1, 1, 0b1), // vCPU 16, 3 µs later
        w(106, 2, 1, 3, 0b1), // vCPU 48
        w(108, 2, 1, 0, 0b1), // back to cluster 0: a new IPI
        w(200, 5, 1, 0, 0b1, ',"group":9'), // explicit groups win over timing
        w(9000, 5, 1, 1, 0b1, ',"group":9'),
      ].join("\n"),
    );
    const r = await replayTrace(p);
    assert.deepEqual(r.stats.clustersPerMulticast, { "2": 1, "3": 1 });
    assert.equal(r.stats.ipis, 3);
  });
});
