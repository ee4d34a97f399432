/**
 * `vsgi bench` run as a user runs it (bin/vsgi.js from dist/), on tiny settings so each run takes
 * seconds: the JSON report's shape, the native anchor (or its clear absence), the text table,
 * and bad flags. Timings are never asserted.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.ts";

const TINY = ["--rounds", "1", "--writes", "32", "--pass-ms", "0.02"];

function json(args: string[], env?: NodeJS.ProcessEnv): Record<string, unknown> {
  const r = env === undefined ? runCli(args, { timeoutMs: 120_000 }) : runWithEnv(args, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function runWithEnv(args: string[], env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const bin = new URL("../../bin/vsgi.js", import.meta.url).pathname;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasGxx = spawnSync(process.env.CXX ?? "g++", ["--version"]).status === 0;

describe("vsgi bench", () => {
  it("--quick --json (tiny rounds) prints the report: machine, results for sizes 64 and 512 on kvm and sparse, floors, memory at 4096, goals", () => {
    const r = json(["bench", "--quick", "--json", "--no-native", ...TINY]);
    const machine = r.machine as Record<string, unknown>;
    assert.equal(machine.node, process.version);
    assert.equal(typeof machine.cpus, "number");
    assert.ok(!Number.isNaN(Date.parse(String(machine.date))));
    const results = r.results as Record<string, unknown>[];
    // 7 engines × 6 workloads × {kvm, sparse} × {64, 512}
    assert.equal(results.length, 7 * 6 * 4);
    assert.deepEqual([...new Set(results.map((x) => x.topology))].sort(), ["kvm:512", "kvm:64", "sparse:512", "sparse:64"]);
    for (const x of results) {
      for (const k of ["engine", "workload", "topology", "vcpus", "visitsPerWrite", "nsPerWrite", "spread", "vsLinear", "vsFloor", "targetsPerWrite", "supported"]) assert.ok(k in x, `result lacks ${k}`);
      if (x.supported === true) {
        for (const k of ["visitsPerWrite", "nsPerWrite", "spread", "vsLinear", "vsFloor"]) assert.equal(typeof x[k], "number", `${String(x.engine)} ${k}`);
      } else {
        assert.equal(x.nsPerWrite, null);
        assert.equal(typeof x.unsupported, "string");
      }
    }
    const vsgi = results.find((x) => x.engine === "vsgi" && x.workload === "unicast-last-cluster" && x.topology === "kvm:512")!;
    assert.deepEqual([vsgi.vcpus, vsgi.visitsPerWrite], [512, 1]);
    assert.ok(Array.isArray(r.native));
    assert.equal((r.nativeStatus as { ran: boolean }).ran, false);
    const floors = r.floors as { kind: string }[];
    assert.deepEqual([...new Set(floors.map((f) => f.kind))], ["floor", "sink-floor", "bigint-floor"]);
    const memory = r.memory as { engine: string; vcpus: number; bytesPerVcpu: number; stateBytes: number }[];
    assert.equal(memory.length, 14);
    assert.ok(memory.every((m) => m.vcpus === 4096 && m.bytesPerVcpu >= m.stateBytes / 4096));
    const goals = r.goals as { id: string; met: boolean | null }[];
    assert.ok(goals.some((g) => g.id === "unicast-flat" && g.met === null), "4096-vCPU goals are not measured by --quick");
    assert.equal(goals.find((g) => g.id === "visits-equal-targets")?.met, true);
  });

  it("runs the native anchor on the same writes when g++ exists (visits equal to JS), and says why not when it does not", { skip: !hasGxx && "no g++" }, () => {
    const args = ["bench", "--json", "--no-memory", "--topologies", "kvm:64,sparse:64", "--workloads", "unicast-random,multicast-cluster,broadcast-irm", "--engines", "vsgi,kvm-linear", ...TINY];
    const r = json(args);
    assert.equal((r.nativeStatus as { ran: boolean }).ran, true);
    const native = r.native as { algorithm: string; visitsMatchJs: boolean | null; jsOverNative: number | null }[];
    assert.equal(native.length, 2 * 3 * 3);
    for (const n of native) {
      if (n.algorithm !== "floor") assert.equal(n.visitsMatchJs, true, JSON.stringify(n));
      assert.equal(typeof n.jsOverNative, "number");
    }
    const none = json(args, { CXX: "/nonexistent/g++" });
    const status = none.nativeStatus as { ran: boolean; reason: string };
    assert.equal(status.ran, false);
    assert.match(status.reason, /no C\+\+ compiler/);
    assert.deepEqual(none.native, []);
  });

  it("prints a readable table without --json", () => {
    const r = runCli(["bench", "--topologies", "kvm:16", "--workloads", "unicast-random", "--engines", "vsgi,kvm-linear", "--no-native", "--no-memory", ...TINY]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /── kvm:16 \(16 vCPUs\) ──/);
    assert.match(r.stdout, /unicast-random +floor/);
    assert.match(r.stdout, /vsLinear/);
    assert.match(r.stdout, /── goals ──/);
  });

  it("bad flags: error: … on stderr, nothing on stdout, exit 1", () => {
    const bad: [string[], RegExp][] = [
      [["--vcpus", "5000"], /--vcpus/],
      [["--engines", "nope"], /unknown engine "nope"/],
      [["--workloads", "nope"], /unknown workload "nope"/],
      [["--layouts", "xen"], /unknown layout "xen"/],
      [["--rounds", "x"], /--rounds/],
    ];
    for (const [args, pattern] of bad) {
      const r = runCli(["bench", ...args, "--no-native", "--no-memory"]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: /);
      assert.match(r.stderr, pattern);
    }
  });
});
