/**
 * The CLI contract (src/cli/contract.ts) on the built `vsgi`, for every registered command:
 * exit statuses, one-line and JSON errors, `schema` in every JSON output checked against the
 * shipped schemas/, quiet EPIPE, the version from package.json and lazy command loading.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/cli/commands.ts";
import { runCli } from "../support/cli.ts";
import { assertMatchesSchema } from "../support/schema.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TRACE = join(ROOT, "fixtures/qemu-virt-4vcpu-linux6.1-vsgi-capture.log.gz");
const CONSOLE = join(ROOT, "fixtures/qemu-virt-4vcpu-linux6.1-vsgi-capture.console");

/** Asserts the contract's error shape under --json: stdout empty, one JSON object on stderr. */
function assertJsonError(r: ReturnType<typeof runCli>, status: number, code: string): { message: string; where: string | null } {
  assert.equal(r.code, status, r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  const e = JSON.parse(lines[0]!) as { error: { code: string; message: string; where: string | null } };
  assert.deepEqual(Object.keys(e.error).sort(), ["code", "message", "where"]);
  assert.equal(e.error.code, code);
  return e.error;
}

describe("vsgi CLI contract", () => {
  const names = Object.keys(COMMANDS);

  it("every command answers --help with status 0 and a bad flag with status 2 and one error", () => {
    for (const name of names) {
      const help = runCli([name, "--help"]);
      assert.equal(help.code, 0, `${name}: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: vsgi ${name} `), name);
      const text = runCli([name, "--no-such-flag"]);
      assert.equal(text.code, 2, name);
      assert.equal(text.stdout, "", name);
      // Commander may first find a missing required option; either way: one line naming the help.
      assert.match(text.stderr, new RegExp(`^error: [^\\n]+ \\(see vsgi ${name} --help\\)\\n$`), name);
      assertJsonError(runCli([name, "--no-such-flag", "--json"]), 2, "usage");
    }
  });

  it("ships one schema per command that has --json, and only those", () => {
    const withJson = names.filter((n) => runCli([n, "--help"]).stdout.includes("--json")).sort();
    const shipped = readdirSync(join(ROOT, "schemas")).map((f) => /^vsgi-(.+)\.schema\.json$/.exec(f)?.[1] ?? f).sort();
    assert.deepEqual(shipped, withJson);
  });

  it("every JSON output carries its schema and matches the shipped JSON Schema", () => {
    const runs: [string, string[]][] = [
      ["decode", ["decode", "0x011F8001", "--json"]],
      ["decode", ["decode", "0x01000003", "--reg", "gicd-sgir", "--json"]],
      ["route", ["route", "--topology", "kvm:32", "--sender", "0", "0x0000_3000_0101_0001", "--json"]],
      ["route", ["route", "--topology", "kvm:4", "--sender", "0", "0x01000001", "--reg", "gicd-sgir", "--json"]],
      ["replay", ["replay", TRACE, "--intent", CONSOLE, "--json"]],
      ["replay", ["replay", TRACE, TRACE, "--engines", "vsgi", "--json"]],
      ["stress", ["stress", "--workers", "2", "--writes", "2000", "--vcpus", "4", "--json"]],
      ["stress", ["stress", "--model", "--json"]],
      ["model", ["model", "--vcpus", "2,4", "--workloads", "last-vcpu", "--writes", "50", "--json"]],
      ["bench", ["bench", "--topologies", "kvm:16", "--workloads", "unicast-random", "--engines", "vsgi,kvm-linear", "--no-native", "--no-memory", "--no-progress", "--rounds", "1", "--writes", "32", "--pass-ms", "0.02", "--json"]],
    ];
    for (const [command, args] of runs) {
      const r = runCli(args, { timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { schema?: unknown };
      assert.equal(Object.keys(out)[0], "schema");
      assert.equal(out.schema, `vsgi-${command}/1`);
      assertMatchesSchema(command, out);
    }
  });

  it("input errors under --json: one JSON object with code, message and where; status 2", () => {
    const e = assertJsonError(runCli(["decode", "hello", "--json"]), 2, "invalid-value");
    assert.match(e.message, /"hello" is not a hexadecimal value/);
    const dir = mkdtempSync(join(tmpdir(), "vsgi-contract-"));
    const f = join(dir, "t.json");
    writeFileSync(f, '{"mpidrs": ["0x0",\n  true]}');
    const t = assertJsonError(runCli(["route", "--topology", f, "--sender", "0", "0x1", "--json"]), 2, "topology");
    assert.equal(t.where, `${f}:2:3: mpidrs[1]`);
    assertJsonError(runCli(["route", "--sender", "0", "0x1", "--json"]), 2, "usage");
  });

  it("a failed check prints its result, then one check-failed error, status 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-contract-"));
    const bad = join(dir, "bad.log");
    writeFileSync(
      bad,
      "7@1.000001:gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x2\n" +
        "7@1.000002:gicv3_redist_send_sgi GICv3 redistributor 0x0 pending SGI 1\n",
    );
    const r = runCli(["replay", bad, "--topology", "qemu:2", "--json"]);
    assert.equal(r.code, 1, r.stderr);
    assertMatchesSchema("replay", JSON.parse(r.stdout));
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as { error: { code: string } }).error.code, "check-failed");
    const text = runCli(["replay", bad, "--topology", "qemu:2"]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /^error: mismatches found in .*bad\.log\n$/);
  });

  it("--version prints package.json's version; bare vsgi is a usage error", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = runCli(["--version"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
    const bare = runCli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^Usage: vsgi /);
    assert.equal(runCli(["nope"]).code, 2);
  });

  it("piped into a reader that stops early, exits quietly (EPIPE)", () => {
    const bin = join(ROOT, "bin/vsgi.js");
    for (const cmd of [`export ${TRACE} --out -`, "stress --model", "route --topology kvm:4096 --sender 0 0x10000ffff --json"]) {
      const r = spawnSync("bash", ["-c", `"${process.execPath}" "${bin}" ${cmd} | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: "utf8", timeout: 120_000 });
      assert.ok(["0", "141"].includes(r.stdout.trim()), `${cmd}: status ${r.stdout.trim()}`);
      assert.equal(r.stderr, "", cmd);
    }
  });

  it("loads only the code of the command that runs", () => {
    const hook = `data:text/javascript,${encodeURIComponent(
      'import{appendFileSync}from"node:fs";export async function load(u,c,n){if(u.startsWith("file:"))appendFileSync(process.env.VSGI_LOADED,u+"\\n");return n(u,c);}',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`;
    const dir = mkdtempSync(join(tmpdir(), "vsgi-loaded-"));
    for (const args of [["decode", "0x1"], ["route", "--topology", "kvm:8", "--sender", "0", "0x1"]]) {
      const list = join(dir, `${args[0]!}.txt`);
      const r = spawnSync(process.execPath, ["--import", register, join(ROOT, "bin/vsgi.js"), ...args], { encoding: "utf8", env: { ...process.env, VSGI_LOADED: list } });
      assert.equal(r.status, 0, r.stderr);
      const loaded = readFileSync(list, "utf8").trim().split("\n");
      for (const heavy of ["linkedom", "@observablehq", "d3-", "fast-check", "cli-progress", "/dist/trace/", "/dist/bench/", "/dist/report/", "/dist/model/", "/dist/lab/"]) {
        assert.deepEqual(loaded.filter((u) => u.includes(heavy)), [], `${args[0]!} loads ${heavy}`);
      }
      assert.ok(loaded.length <= 60, `${args[0]!} loads ${String(loaded.length)} files`);
    }
  });
});
