/**
 * Issue 17's memory bound: hostile inputs end in an error (or, under --lenient, a count) with
 * the whole `vsgi` process under 256 MB of RSS. Each case runs the real CLI and reads its peak
 * RSS from `process.resourceUsage()` at exit. The spawn timeout only guards against a hang; no
 * speed is asserted here.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, writeSync } from "node:fs";
import { ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BIN = fileURLToPath(new URL("../../bin/vsgi.js", import.meta.url));
const RSS_LIMIT_KB = 256 * 1024;
const HANG_GUARD_MS = 120_000;
const PEAK = `data:text/javascript,${encodeURIComponent('process.on("exit",()=>process.stderr.write("peak-rss-kb="+process.resourceUsage().maxRSS+"\\n"))')}`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly peakKb: number;
}

function vsgi(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, ["--import", PEAK, BIN, ...args], { encoding: "utf8", timeout: HANG_GUARD_MS, maxBuffer: 1 << 24 });
  const m = /peak-rss-kb=(\d+)/.exec(r.stderr);
  assert.ok(m !== null, `no peak RSS reported (status ${String(r.status)}, signal ${String(r.signal)}): ${r.stderr.slice(0, 300)}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/peak-rss-kb=\d+\n/, ""), peakKb: Number(m[1]) };
}

function assertBounded(r: Run, what: string): void {
  assert.ok(r.peakKb < RSS_LIMIT_KB, `${what}: peak RSS ${(r.peakKb / 1024).toFixed(0)} MB, over 256 MB`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace`);
}

const dir = mkdtempSync(join(tmpdir(), "vsgi-memory-"));

/** A sparse file of 1 GiB of NUL bytes: one line, no LF, no disk space used. */
function oneGiBLine(): string {
  const path = join(dir, "one-line-1gib.log");
  const fd = openSync(path, "w");
  ftruncateSync(fd, 2 ** 30);
  closeSync(fd);
  return path;
}

/** A gzipped QEMU log of 10^6 SGI writes, each from its own thread id (no delivery lines). */
function millionThreads(): string {
  const path = join(dir, "million-threads.log.gz");
  const lines: string[] = [];
  for (let tid = 1; tid <= 1_000_000; tid++) {
    lines.push(`${String(tid)}@1795570343.${String(tid % 1_000_000).padStart(6, "0")}:gicv3_icc_generate_sgi GICv3 CPU i/f 0x${(tid % 4).toString(16)} generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x${(1 << ((tid + 1) % 4)).toString(16)}`);
  }
  const fd = openSync(path, "w");
  writeSync(fd, gzipSync(`${lines.join("\n")}\n`, { level: 1 }));
  closeSync(fd);
  return path;
}

describe("memory bound on hostile input (peak RSS of the vsgi process < 256 MB)", () => {
  it("/dev/zero as a topology and as a trace is refused at once, strict or lenient", () => {
    for (const args of [
      ["route", "0x1000002", "--sender", "0", "--topology", "/dev/zero"],
      ["replay", "/dev/zero"],
      ["replay", "/dev/zero", "--lenient"],
      ["export", "/dev/zero", "--out", join(dir, "zero.jsonl")],
    ]) {
      const r = vsgi(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^error: .*not a regular file\n$/, args.join(" "));
      assertBounded(r, args.join(" "));
    }
  });

  it("a 1 GiB single line is an error naming the 1 MiB line limit", () => {
    const r = vsgi(["replay", oneGiBLine(), "--format", "qemu"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: .*:1: line longer than 1048576 (characters|bytes)/);
    assertBounded(r, "1 GiB line, strict");
  });

  it("a 1 GiB single line under --lenient is read past (never held) and ends in one error: no trace", () => {
    const r = vsgi(["replay", oneGiBLine(), "--format", "qemu", "--lenient", "--json"]);
    assert.equal(r.code, 2, r.stderr);
    assertBounded(r, "1 GiB line, lenient");
    const e = JSON.parse(r.stderr) as { error: { code: string } };
    assert.equal(e.error.code, "trace-parse");
  });

  it("10^6 distinct thread ids keep the QEMU importer's state bounded, evictions counted", () => {
    const log = millionThreads();
    for (const extra of [[], ["--lenient"]]) {
      const r = vsgi(["replay", log, "--format", "qemu", "--engines", "vsgi", ...extra]);
      // Exit 1: the log has no delivery lines, so the oracle finds every write undelivered.
      assert.equal(r.code, 1, r.stderr.slice(0, 300));
      assertBounded(r, `10^6 thread ids ${extra.join(" ")}`);
      // The state of the 8192 most recent threads is kept; every other write is counted, not lost.
      assert.match(r.stdout, /1000000 writes, .* 991808 writes finished early \(more pending threads than kept\)/);
    }
  });
});
