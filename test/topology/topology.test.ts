import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { TopologyError } from "../../src/errors.ts";
import { compressBits, KvmMpidrIndexEngine } from "../../src/engines/kvm-mpidr-index.ts";
import { loadTopology, parseTopologyJson, presetTopology, Topology } from "../../src/topology/index.ts";

describe("topology presets", () => {
  it("kvm:n gives vCPU i Aff0 = i[3:0], Aff1 = i[11:4] (reset_mpidr)", () => {
    const t = presetTopology("kvm:4096");
    assert.equal(t.count, 4096);
    assert.equal(t.affinity[0], 0);
    assert.equal(t.affinity[17], 0x0101);
    assert.equal(t.affinity[511], 0x1f0f);
    assert.equal(t.affinity[4095], 0xff0f);
    assert.equal(t.mpidrOf(4095), 0xff0fn);
    assert.equal(t.vcpuOf(0x1f00), 496);
  });

  it("qemu:n gives Aff1 = i / 16, Aff0 = i % 16 and stops at 512", () => {
    const t = presetTopology("qemu:40");
    assert.equal(t.affinity[39], (2 << 8) | 7);
    assert.throws(() => presetTopology("qemu:513"), /out of range.*1\.\.512/);
  });

  it("sparse:512 has more than 10 varying affinity bits (KVM 6.7 falls back), sparse:64 does not", () => {
    const varying = (t: Topology) => {
      let or = 0;
      let and = 0xffff_ffff;
      for (const a of t.affinity) {
        or |= a;
        and &= a;
      }
      return (or ^ and) >>> 0;
    };
    const bits = (m: number) => compressBits(m, m).toString(2).length;
    assert.ok(bits(varying(presetTopology("sparse:512"))) > 10);
    assert.ok(bits(varying(presetTopology("sparse:64"))) <= 10);
    const e = new KvmMpidrIndexEngine();
    e.prepare(presetTopology("sparse:512"));
    assert.equal(e.hasTable, false);
    e.prepare(presetTopology("kvm:512"));
    assert.equal(e.hasTable, true);
  });

  it("rejects bad preset counts and names with the input named", () => {
    for (const bad of ["kvm:0", "kvm:4097", "kvm:-1", "kvm:abc", "kvm:", "qemu:1.5"]) {
      assert.throws(() => presetTopology(bad), (e: unknown) => e instanceof TopologyError && e.message.includes(bad), bad);
    }
    assert.throws(() => loadTopology("kvmm:4"), /neither a preset/);
  });
});

describe("topology validation", () => {
  it("rejects duplicate affinities, naming both vCPUs", () => {
    assert.throws(() => new Topology("t", [0x0, 0x1, 0x1], false), /vCPUs 1 and 2 share affinity 0\.0\.0\.1/);
  });

  it("rejects Aff0 > 15 without RSS and accepts it with RSS", () => {
    assert.throws(() => new Topology("t", [0x10], false), /Aff0 = 16.*"rss": true/);
    assert.equal(new Topology("t", [0x10, 0xff], true).maxAff0(), 255);
  });

  it("rejects an empty list and more than 4096 vCPUs", () => {
    assert.throws(() => new Topology("t", [], false), /empty/);
    assert.throws(() => new Topology("t", new Uint32Array(4097).map((_, i) => i * 256), false), /exceed the supported maximum of 4096/);
  });
});

describe("topology JSON", () => {
  it("reads hex strings and numbers; index = vCPU id", () => {
    const t = parseTopologyJson('{"rss": false, "mpidrs": ["0x0", 256, "0x80000101", "0x1_0000_0000"]}', "x.json");
    assert.deepEqual(Array.from(t.affinity), [0, 0x100, 0x101, 0x0100_0000]);
    assert.equal(t.rss, false);
  });

  it("says where malformed JSON breaks (line:column)", () => {
    assert.throws(
      () => parseTopologyJson('{\n  "mpidrs": ["0x0",\n  ]\n}', "bad.json"),
      (e: unknown) => e instanceof TopologyError && /^bad\.json:3:3: malformed JSON/.test(e.message),
    );
  });

  it("names the file:line:column and JSON path of a bad field", () => {
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0", true]}', "f.json"), /^TopologyError: f\.json:1:20: mpidrs\[1\]: expected an MPIDR/);
    assert.throws(() => parseTopologyJson('{"mpidrs": []}', "f.json"), /^TopologyError: f\.json:1:12: mpidrs: the vCPU list is empty$/);
    assert.throws(() => parseTopologyJson('{"mpidr": ["0x0"]}', "f.json"), /^TopologyError: f\.json:1:1: \(top level\): missing required field "mpidrs"$/);
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0"],\n "x": 1}', "f.json"), /^TopologyError: f\.json:2:2: x: unknown field "x"$/);
    assert.throws(() => parseTopologyJson('[{"mpidrs": ["0x0"]}]', "f.json"), /^TopologyError: f\.json:1:1: \(top level\): expected an object, got an array$/);
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0"],\n  "rss": "yes"}', "f.json"), /^TopologyError: f\.json:2:10: rss: expected true or false \(got "yes"\)$/);
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0", "0x1000000"]}', "f.json"), /\(f\.json:1:20: mpidrs\[1\]\).*outside the affinity fields/);
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0", "0x10"]}', "f.json"), /vCPU 1 has Aff0 = 16/);
    assert.throws(() => parseTopologyJson('{"mpidrs": ["0x0", "0x0"]}', "f.json"), /share affinity/);
  });

  it("loads a file and refuses files over 1 MiB before parsing", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-topo-"));
    const ok = join(dir, "ok.json");
    writeFileSync(ok, JSON.stringify({ rss: false, mpidrs: ["0x0", "0x100"] }));
    assert.equal(loadTopology(ok).count, 2);
    const big = join(dir, "big.json");
    writeFileSync(big, " ".repeat((1 << 20) + 1));
    assert.throws(() => loadTopology(big), /over the 1048576-byte limit/);
    assert.throws(() => loadTopology(join(dir, "missing.json")), /neither a preset .* nor a readable file/);
  });
});
