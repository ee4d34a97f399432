/**
 * Import speed of the QEMU log reader, beside byte-level baselines measured in the same run:
 * `node --import tsx scripts/bench/import.ts [--mb 219] [--rounds 3] [--file <log or log.gz>]`.
 *
 * Without --file it builds a large log like the bundled captures (their decompressed text,
 * fixtures/*.log.gz and fixtures/shared/*.log.gz, concatenated and repeated up to --mb MB) in
 * .cache/bench-import/, plain and gzip. For each it times, in interleaved rounds (median):
 *  - baseline: streaming the bytes (gunzip included for .gz — what `zcat > /dev/null` does) and
 *    counting the LF bytes;
 *  - import: `readTrace` over the same file, every event built (writes with their deliveries);
 *  - replay: `replayTrace` with one engine (vsgi), as `vsgi replay --engines vsgi`.
 * It prints lines/s and MB/s of each and the ratios, and the RSS after the run.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip, gunzipSync } from "node:zlib";
import { openTraceStream } from "../../src/trace/lines.ts";
import { readTrace } from "../../src/trace/read.ts";
import { replayTrace } from "../../src/trace/replay.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const targetMb = Number(opt("--mb", "219"));
const rounds = Number(opt("--rounds", "3"));

async function buildLog(): Promise<string[]> {
  const dir = join(ROOT, ".cache", "bench-import");
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, `qemu-${String(targetMb)}mb.log`);
  const gz = `${plain}.gz`;
  if (!existsSync(plain) || !existsSync(gz)) {
    const parts: Buffer[] = [];
    for (const d of ["fixtures", "fixtures/shared"]) {
      for (const f of readdirSync(join(ROOT, d)).sort()) if (f.endsWith(".log.gz")) parts.push(gunzipSync(readFileSync(join(ROOT, d, f))));
    }
    const out = createWriteStream(plain);
    let bytes = 0;
    for (let i = 0; bytes < targetMb * 1e6; i++) {
      const p = parts[i % parts.length]!;
      if (!out.write(p)) await new Promise((r) => out.once("drain", r));
      bytes += p.length;
    }
    await new Promise<void>((r) => out.end(r));
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
  }
  return [plain, gz];
}

async function baseline(file: string): Promise<number> {
  let lines = 0;
  for await (const c of await openTraceStream(file)) {
    const b = c as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

async function importOnly(file: string): Promise<number> {
  const r = readTrace(file, { format: "qemu" });
  let n = 0;
  for await (const batch of r.batches()) n += batch.length;
  return r.lines + n * 0;
}

async function replayOne(file: string): Promise<number> {
  const r = await replayTrace(file, { format: "qemu", engines: ["vsgi"], topology: "qemu:64" });
  return r.lines;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const files = opt("--file", "") !== "" ? [opt("--file", "")] : await buildLog();
const kinds = { baseline, import: importOnly, "replay (1 engine)": replayOne } as const;
for (const file of files) {
  const bytesOnDisk = statSync(file).size;
  let textBytes = 0;
  for await (const c of await openTraceStream(file)) textBytes += (c as Buffer).length;
  const times: Record<string, number[]> = {};
  let lines = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(kinds)) {
      const t0 = process.hrtime.bigint();
      lines = await fn(file);
      (times[name] ??= []).push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
  }
  console.log(`${file}: ${(bytesOnDisk / 1e6).toFixed(0)} MB on disk, ${(textBytes / 1e6).toFixed(0)} MB of text, ${(lines / 1e6).toFixed(2)} M lines; median of ${String(rounds)} interleaved rounds`);
  const base = median(times.baseline!);
  for (const [name, ts] of Object.entries(times)) {
    const s = median(ts);
    console.log(`  ${name.padEnd(18)} ${s.toFixed(3).padStart(7)} s  ${(lines / s / 1e6).toFixed(2).padStart(6)} M lines/s  ${(textBytes / s / 1e6).toFixed(0).padStart(5)} MB/s  ${(s / base).toFixed(2).padStart(5)}× baseline time`);
  }
}
console.log(`RSS after the run: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
