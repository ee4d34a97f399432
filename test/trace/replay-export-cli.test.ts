/** `vsgi replay` and `vsgi export` as a user runs them (the built CLI, spawned). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fixture, REPO_ROOT, SHARED_FIXTURES, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

function vsgi(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const gen = "7@1.000001:gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x2";
const send = "7@1.000002:gicv3_redist_send_sgi GICv3 redistributor 0x1 pending SGI 1";

describe("vsgi replay / export CLI", () => {
  it("replays the shared real traces with 0 mismatches on every engine and the oracle (--json: one object holding reports)", () => {
    const a = fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1.log.gz");
    const b = fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz");
    const r = vsgi("replay", a, b, "--json");
    assert.equal(r.code, 0, r.stderr);
    const { schema, reports } = JSON.parse(r.stdout) as { schema: string; reports: { trace: string; writes: number; deliveries: number; engines: Record<string, { mismatches?: number }>; oracle: { mismatches: number; firstMismatch: unknown } }[] };
    assert.equal(schema, "vsgi-replay/1");
    assert.deepEqual(
      reports.map((x) => [x.writes, x.deliveries, x.oracle.mismatches, x.oracle.firstMismatch]),
      [
        [29970, 29997, 0, null],
        [1688, 1810, 0, null],
      ],
    );
    for (const x of reports) for (const e of Object.values(x.engines)) assert.equal(e.mismatches, 0);
  });

  it("prints one object for one trace and honours --engines and --topology", () => {
    const r = vsgi("replay", fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz"), "--engines", "kvm-linear,vsgi", "--topology", "kvm:64", "--json");
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { topology: string; engines: Record<string, { visits: number }>; stats: Record<string, unknown> };
    assert.equal(o.topology, "kvm:64");
    assert.deepEqual(Object.keys(o.engines), ["reference", "kvm-linear", "vsgi"]);
    assert.deepEqual(Object.keys(o.stats).slice(0, 5), ["unicastShare", "targetsPerWrite", "clustersPerMulticast", "byIntid", "irm"]);
    // vsgi visits one slot per delivery; the reference scans all 64 vCPUs per write.
    assert.equal(o.engines.vsgi!.visits, 1810);
    assert.equal(o.engines.reference!.visits, 1688 * 64);
  });

  it("exits 1 when the trace's deliveries disagree with the reference", () => {
    const p = tmp.file("bad.log", `${gen}\n7@1.000002:gicv3_redist_send_sgi GICv3 redistributor 0x0 pending SGI 1\n`);
    const r = vsgi("replay", p, "--topology", "qemu:2");
    assert.equal(r.code, 1);
    assert.match(r.stdout, /oracle: 1 writes checked, 1 mismatches \(first at line 1: reference \[1\], trace \[0\]\)/);
  });

  it("exits 2 with file:line and the text on a malformed line; --lenient counts it", () => {
    const p = tmp.file("cut.log", `${gen}\n${send}\n${gen.slice(0, 50)}\n`);
    const r = vsgi("replay", p);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: .*cut\.log:3: malformed gicv3_icc_generate_sgi line: "7@1\.000001:gicv3_icc_generate_sgi GICv3 CPU i\/f 0x"\n$/);
    const l = vsgi("replay", p, "--lenient", "--json");
    assert.equal(l.code, 0, l.stderr);
    assert.equal((JSON.parse(l.stdout) as { lenientSkipped: number }).lenientSkipped, 1);
  });

  it("capture says exactly what to install when qemu-system-aarch64 is missing and it may not install", () => {
    // A PATH holding only node: no qemu, no apt, no shell.
    const bin = join(tmp.dir, "only-node");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), "capture", "--vcpus", "2", "--out", join(tmp.dir, "x.log.gz"), "--no-install"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { PATH: bin },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: qemu-system-aarch64 not found; as root: apt-get install qemu-system-arm && dpkg --add-architecture arm64 && apt-get update/);
  });

  it("capture rejects an unknown workload before doing anything", () => {
    const r = vsgi("capture", "--vcpus", "2", "--out", join(tmp.dir, "y.log.gz"), "--workload", "idle,nope");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: unknown workload "nope"/);
  });

  it("exports JSONL to stdout", () => {
    const p = tmp.file("one.log", `${gen}\n${send}\n`);
    const r = vsgi("export", p, "--out", "-");
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[1], { t: 1000001, sender: 0, register: "sgi1r", value: "0x1000002", deliveries: [1] });
  });
});
