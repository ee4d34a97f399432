/**
 * Issue 17, the trace readers and `vsgi export` under hostile or careless input: bounded
 * per-thread state, linear lenient reading of long lines, no destroyed or half-written file,
 * a quiet exit into a closed pipe, and no silent success on a trace with nothing in it.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { linkSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { readTraceFrom } from "../../src/trace/read.ts";
import { fixture, REPO_ROOT, SHARED_FIXTURES, tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

function vsgi(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stream of `count` lines made by `line(i)`, in pieces of at most `piece` characters. */
function lines(count: number, line: (i: number) => string, piece = 1 << 16): Readable {
  let i = 0;
  let rest = "";
  return new Readable({
    read() {
      while (rest.length < piece && i < count) rest += `${line(i++)}\n`;
      const s = rest.slice(0, piece);
      rest = rest.slice(s.length);
      this.push(s === "" ? null : s);
    },
  });
}

const gen = (tid: number, us: number): string => `${String(tid)}@1.${String(us).padStart(6, "0")}:gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x2`;

describe("trace readers keep their state bounded", () => {
  it("10^6 distinct thread ids: every write comes out, the per-thread table evicts and counts, RSS stays under 256 MB", { timeout: 300_000 }, async () => {
    const n = 1_000_000;
    const reader = readTraceFrom(async () => lines(n, (i) => gen(100_000 + i, i % 1_000_000)), "many-threads.log", { format: "qemu" });
    const rss0 = process.memoryUsage().rss;
    let events = 0;
    let peak = 0;
    for await (const batch of reader.batches()) {
      events += batch.length;
      if ((events & 0xffff) < batch.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.equal(events, n);
    assert.ok(reader.threadEvictions > n - 10_000, `evictions ${String(reader.threadEvictions)}`);
    assert.ok(peak - rss0 < 256 * 2 ** 20, `RSS grew by ${((peak - rss0) / 2 ** 20).toFixed(0)} MiB`);
  });

  it("--lenient reads long malformed lines in linear time (5 lines of ~1 MiB in 64-byte pieces; quadratic splitting took a minute)", { timeout: 30_000 }, async () => {
    const long = `7@1.000001:gicv3_icc_generate_sgi ${"x".repeat((1 << 20) - 200)}`;
    const source = async (): Promise<Readable> => lines(6, (i) => (i === 5 ? gen(7, 2) : long), 64);
    const reader = readTraceFrom(source, "long-lines.log", { format: "qemu", lenient: true });
    const t0 = performance.now();
    let events = 0;
    for await (const _ of reader) events++;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(events, 1);
    assert.equal(reader.lenientSkipped, 5);
    // A hang guard, not a speed goal: linear splitting takes well under a second here, the old
    // quadratic one (each 64-byte piece rescanned the whole pending line) took 60 to 90 s.
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  });

  it("export keeps the 1 MiB line cap: a longer line is an error naming the line", () => {
    const p = tmp.file("huge-line.log", `${gen(7, 1)}\n${"9".repeat((1 << 20) + 10)}\n`);
    const r = vsgi("export", p, "--out", "-", "--topology", "qemu:4");
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /huge-line\.log:2: line longer than 1048576 bytes/);
  });
});

describe("vsgi export never destroys a file", () => {
  const input = (): string => {
    const p = join(tmp.dir, `in-${String(Math.random()).slice(2)}.log.gz`);
    writeFileSync(p, readFileSync(fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz")));
    return p;
  };

  it("refuses to write its input (same path, a symlink to it, a hard link to it) and leaves it intact", () => {
    const p = input();
    const before = readFileSync(p);
    const sym = join(tmp.dir, "sym.log.gz");
    const hard = join(tmp.dir, "hard.log.gz");
    symlinkSync(p, sym);
    linkSync(p, hard);
    for (const out of [p, sym, hard]) {
      const r = vsgi("export", p, "--out", out);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /refusing to write .*: it is the input/);
      assert.deepEqual(readFileSync(p), before);
    }
  });

  it("leaves an existing destination untouched when the input cannot be opened or is malformed, and no temporary file behind", () => {
    const out = tmp.file("dest.jsonl", "precious\n");
    const bad = tmp.file("bad.log", `${gen(7, 1)}\n7@1.000002:gicv3_redist_send_sgi GICv3 redistributor 0x1 pending SGI 9\n`);
    for (const src of [join(tmp.dir, "missing.log"), bad]) {
      const r = vsgi("export", src, "--out", out, "--topology", "qemu:4");
      assert.equal(r.code, 2, r.stderr);
      assert.equal(readFileSync(out, "utf8"), "precious\n");
    }
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.includes(".tmp")), []);
  });

  it("checks the destination before reading: a folder or a missing folder is refused at once", () => {
    const r1 = vsgi("export", input(), "--out", tmp.dir);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /is a folder/);
    const r2 = vsgi("export", input(), "--out", join(tmp.dir, "no-such-dir", "x.jsonl"));
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /does not exist/);
  });

  it("writes the input's file name, not its path, into the JSONL header", () => {
    const out = join(tmp.dir, "named.jsonl");
    const p = input();
    assert.equal(vsgi("export", p, "--out", out).code, 0);
    const header = JSON.parse(readFileSync(out, "utf8").split("\n")[0]!) as { source: string };
    assert.equal(header.source, p.split("/").pop());
    assert.ok(statSync(out).size > 0);
  });

  it("export --out - into a pipe closed after one line (| head -1) exits quietly", async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), "export", fixture(SHARED_FIXTURES, "qemu-virt-4vcpu-linux6.1.log.gz"), "--out", "-"], { cwd: REPO_ROOT });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    let first = "";
    await new Promise<void>((res) => {
      child.stdout.on("data", (d: Buffer) => {
        first += d.toString();
        if (first.includes("\n")) {
          child.stdout.destroy();
          res();
        }
      });
    });
    const [code, signal] = (await new Promise((res) => child.on("close", (c, s) => res([c, s])))) as [number | null, string | null];
    assert.ok(code === 0 || code === 141 || signal === "SIGPIPE", `exit ${String(code)} ${String(signal)}`);
    assert.equal(stderr, "");
    assert.match(first, /^\{"format":"vsgi-trace"/);
  });
});

describe("no silent success on a trace with nothing in it", () => {
  it("an empty trace, a junk-only trace and a trace of another format's lines exit 2 with a clear message", () => {
    const empty = tmp.file("empty.log", "");
    const junk = tmp.file("junk.log", "hello world\n");
    const r1 = vsgi("replay", empty, "--format", "qemu");
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /empty trace/);
    const r2 = vsgi("replay", junk, "--format", "qemu");
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /no SGI write in 1 lines \(1 of other events or foreign text\)/);
    assert.equal(r2.stdout, "");
  });

  it("a file mixing formats is an error naming the first line of the second format", () => {
    const mixed = tmp.file("mixed.log", `${gen(7, 1)}\nconsole text\n{"t":1,"sender":0,"value":"0x1000001"}\n${gen(7, 2)}\n`);
    const r = vsgi("replay", mixed, "--topology", "qemu:4");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mixed\.log:3: mixed formats: this is a jsonl line in a qemu trace/);
  });

  it("counts and shows the lines skipped as foreign", () => {
    const send = "7@1.000003:gicv3_redist_send_sgi GICv3 redistributor 0x1 pending SGI 1";
    const p = tmp.file("with-console.log", `${gen(7, 1)}\n${send}\nsome console text\nmore text\n${gen(7, 2)}\n${send}\n`);
    const r = vsgi("replay", p, "--topology", "qemu:4");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 lines of other events or foreign text skipped/);
  });
});
