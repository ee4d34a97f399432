/** The `vsgi decode` and `vsgi route` commands, run as a user runs them. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ENGINE_NAMES } from "../../src/engines/index.ts";
import { runCli } from "../support/cli.ts";

function assertUserError(r: ReturnType<typeof runCli>, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0] ?? "", /^error: /);
  assert.match(r.stderr, pattern);
}

describe("vsgi decode", () => {
  it("--json prints exactly one object with the SGI1R fields", () => {
    const r = runCli(["decode", "0x011F8001", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { schema: "vsgi-decode/1", register: "sgi1r", intid: 1, aff3: 0, aff2: 0, aff1: 31, targetList: 0x8001, rs: 0, irm: 0 });
  });

  it("decodes GICD_SGIR with --reg gicd-sgir", () => {
    const r = runCli(["decode", "--reg", "gicd-sgir", "0x01000003", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { schema: "vsgi-decode/1", register: "gicd-sgir", sgiIntid: 3, nsatt: 0, cpuTargetList: 0, targetListFilter: 1 });
  });

  it("rejects RES0 bits by default, accepts them with --lenient", () => {
    assertUserError(runCli(["decode", "0x1000_0000_0000_0000"]), /RES0 bit 60 set/);
    const r = runCli(["decode", "--lenient", "--json", "0x1000_0000_0000_0001"]);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).targetList, 1);
  });

  it("names bad input: not hex, too wide, unknown register, unknown flag", () => {
    assertUserError(runCli(["decode", "hello"]), /"hello" is not a hexadecimal value/);
    assertUserError(runCli(["decode", "0x1_0000_0000_0000_0000"]), /does not fit in 64 bits/);
    assertUserError(runCli(["decode", "--reg", "sgi2r", "0x1"]), /unknown SGI register "sgi2r"/);
    assertUserError(runCli(["decode", "--bogus", "0x1"]), /unknown option '--bogus'/);
    assertUserError(runCli(["decode"]), /missing required argument/);
  });
});

describe("vsgi route", () => {
  it("kvm:512, sender 3, 0x011F8001: targets [496, 511] on every engine (Xen's as a projection), vsgi visits 2", () => {
    const r = runCli(["route", "--topology", "kvm:512", "--sender", "3", "0x011F8001", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.targets, [496, 511]);
    assert.deepEqual(out.warnings, []);
    assert.deepEqual(Object.keys(out.engines), [...ENGINE_NAMES]);
    // Xen creates at most 128 vCPUs (MAX_VIRT_CPUS): its run is a labelled projection.
    for (const name of ENGINE_NAMES) assert.deepEqual(name === "xen" ? out.engines[name].projection.targets : out.engines[name].targets, [496, 511], name);
    assert.match(out.engines.xen.unsupported, /beyond Xen's limit of 128/);
    assert.equal(out.engines.vsgi.visits, 2);
    assert.equal(out.engines["kvm-linear"].visits, 512);
  });

  it("flags RS without RSS in warnings and routes as RS = 0", () => {
    const r = runCli(["route", "--topology", "kvm:32", "--sender", "0", "0x0000_3000_0101_0001", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.targets, [16]);
    assert.match(out.warnings[0], /RS = 3 on a VM without RSS/);
  });

  it("lists unsupported engines with their reason on a JSON layout", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-cli-"));
    const f = join(dir, "t.json");
    writeFileSync(f, JSON.stringify({ rss: false, mpidrs: ["0x100", "0x0", "0x1"] }));
    const r = runCli(["route", "--topology", f, "--sender", "0", "0x01000001", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.targets, [1]);
    assert.match(out.engines["rfc-affskip"].unsupported, /would mis-deliver/);
    assert.match(out.engines.xen.unsupported, /cannot express this layout/);
    assert.deepEqual(out.engines.vsgi.targets, [1]);
  });

  it("names bad input: sender out of range, bad topology, bad JSON file, reserved bits", () => {
    assertUserError(runCli(["route", "--topology", "kvm:4", "--sender", "4", "0x1"]), /unknown vCPU 4 \(--sender\)/);
    assertUserError(runCli(["route", "--topology", "kvm:4", "--sender", "x", "0x1"]), /--sender: "x" is not a non-negative integer/);
    assertUserError(runCli(["route", "--topology", "kvm:9999", "--sender", "0", "0x1"]), /kvm:9999.*out of range/);
    assertUserError(runCli(["route", "--topology", "kvm:4", "--sender", "0", "0xF0000001"]), /RES0 bits 28, 29, 30, 31/);
    assertUserError(runCli(["route", "--sender", "0", "0x1"]), /required option '--topology <spec>'/);
    const dir = mkdtempSync(join(tmpdir(), "vsgi-cli-"));
    const f = join(dir, "broken.json");
    writeFileSync(f, '{"mpidrs": ["0x0",, "0x1"]}');
    assertUserError(runCli(["route", "--topology", f, "--sender", "0", "0x1"]), /broken\.json:1:19: malformed JSON/);
  });

  it("--group0 1:1: kvm-linear delivers SGI1R to vCPU 1 (KVM: any group), qemu-scan drops it (gicv3_redist_send_sgi)", () => {
    const r = runCli(["route", "--topology", "kvm:64", "--sender", "0", "--reg", "sgi1r", "0x1000002", "--group0", "1:1", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.engines["kvm-linear"].targets, out.engines["kvm-linear"].pending], [[1], [1]]);
    assert.deepEqual([out.engines["qemu-scan"].targets, out.engines["qemu-scan"].pending], [[1], []]);
    assert.match(out.engines["qemu-scan"].rules[0], /QEMU drops SGI1R at a Group 0 target/);
    assert.equal(out.engines["qemu-scan"].peer, "qemu-7.2+");
    assert.match(out.engines.xen.rules[0], /RAZ\/WI/);
  });

  it("kvm:513 marks the KVM engines unsupported beyond KVM's limit, with the run as a labelled projection", () => {
    const r = runCli(["route", "--topology", "kvm:513", "--sender", "0", "0x1000002", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    for (const name of ["kvm-linear", "rfc-affskip", "kvm-mpidr-index"]) {
      assert.match(out.engines[name].unsupported, /beyond KVM's limit of 512/, name);
      assert.equal(out.engines[name].projection.label, "beyond KVM's limit of 512 (projection)", name);
    }
    assert.match(out.engines.xen.unsupported, /beyond Xen's limit of 128/);
    assert.deepEqual(out.engines.vsgi.targets, [1]);
  });

  it("GICD_SGIR TargetListFilter 3 (--lenient): QEMU reaches every CPU, KVM none, Xen a data abort", () => {
    const r = runCli(["route", "--topology", "kvm:4", "--sender", "0", "--reg", "gicd-sgir", "--lenient", "0x03000001", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.engines["qemu-scan"].pending, out.engines["kvm-linear"].pending, out.engines.xen.pending], [[0, 1, 2, 3], [], []]);
    assert.match(out.engines.xen.rules[0], /data abort/);
  });

  it("--offline: Xen skips an offline target (vgic_to_sgi), KVM marks it pending; bad flags are usage errors", () => {
    const r = runCli(["route", "--topology", "kvm:16", "--sender", "0", "0x1000006", "--offline", "2", "--json"]);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.engines.xen.pending, out.engines["kvm-linear"].pending], [[1], [1, 2]]);
    assertUserError(runCli(["route", "--topology", "kvm:4", "--sender", "0", "0x1", "--group0", "9:1"]), /--group0: unknown vCPU 9/);
    assertUserError(runCli(["route", "--topology", "kvm:4", "--sender", "0", "0x1", "--page-size", "8k"]), /--page-size/);
  });

  it("--help documents the options", () => {
    const r = runCli(["route", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--topology <spec>/);
    assert.match(r.stdout, /--sender <id>/);
  });
});
