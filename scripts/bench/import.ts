/**
 * Import speed of the QEMU log reader, beside byte-level baselines measured in the same run:
 * `node --import tsx scripts/bench/import.ts [--mb 219] [--rounds 3] [--file <log or log.gz>]`.
 *
 * Without --file it builds two large logs, plain and gzip, and measures both:
 *  - mixed: like the bundled captures (their decompressed text, fixtures/*.log.gz and
 *    fixtures/shared/*.log.gz, concatenated and repeated up to --mb MB), cached in .cache/bench-import/;
 *  - SGI-dense: fixtures/shared/qemu-virt-4vcpu-linux6.1.log.gz (98% SGI lines) decompressed and
 *    repeated up to --mb MB, built in a temporary folder removed at the end.
 * For each file it times, in interleaved rounds (median):
 *  - baseline: streaming the bytes (gunzip included for .gz — what `zcat > /dev/null` does) and
 *    counting the LF bytes;
 *  - import: `readTrace` over the same file, every event built (writes with their deliveries);
 *  - replay: `replayTrace` with one engine (vsgi), as `vsgi replay --engines vsgi --topology T`
 *    with T the VM of the log (qemu:4 for the SGI-dense one, else --topology, default qemu:128;
 *    without --topology the CLI reads the file a first time to find the vCPUs, not timed here).
 * It prints lines/s and MB/s of each and the ratios, and the RSS after the run.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
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

/** Writes `parts` repeated up to --mb MB to `<dir>/<name>.log` and its gzip (unless both exist). */
async function buildLog(dir: string, name: string, parts: Buffer[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, `${name}-${String(targetMb)}mb.log`);
  const gz = `${plain}.gz`;
  if (!existsSync(plain) || !existsSync(gz)) {
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

/** The VM each log comes from (`vsgi replay --topology`): the mixed one holds the 128-vCPU capture. */
const topologyOf = (file: string): string => (basename(file).startsWith("sgi-dense") ? "qemu:4" : opt("--topology", "qemu:128"));

async function replayOne(file: string): Promise<number> {
  const r = await replayTrace(file, { format: "qemu", engines: ["vsgi"], topology: topologyOf(file) });
  return r.lines;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function captures(dirs: string[], only?: string): Buffer[] {
  const parts: Buffer[] = [];
  for (const d of dirs) {
    for (const f of readdirSync(join(ROOT, d)).sort()) if (f.endsWith(".log.gz") && (only === undefined || f === only)) parts.push(gunzipSync(readFileSync(join(ROOT, d, f))));
  }
  return parts;
}

const tmp = mkdtempSync(join(tmpdir(), "vsgi-bench-import-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const files =
  opt("--file", "") !== ""
    ? [opt("--file", "")]
    : [
        ...(await buildLog(join(ROOT, ".cache", "bench-import"), "qemu", captures(["fixtures", "fixtures/shared"]))),
        ...(await buildLog(tmp, "sgi-dense", captures(["fixtures/shared"], "qemu-virt-4vcpu-linux6.1.log.gz"))),
      ];
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
  console.log(`${basename(file)} (replay topology ${topologyOf(file)}): ${(bytesOnDisk / 1e6).toFixed(0)} MB on disk, ${(textBytes / 1e6).toFixed(0)} MB of text, ${(lines / 1e6).toFixed(2)} M lines; median of ${String(rounds)} interleaved rounds`);
  const base = median(times.baseline!);
  for (const [name, ts] of Object.entries(times)) {
    const s = median(ts);
    console.log(`  ${name.padEnd(18)} ${s.toFixed(3).padStart(7)} s  ${(lines / s / 1e6).toFixed(2).padStart(6)} M lines/s  ${(textBytes / s / 1e6).toFixed(0).padStart(5)} MB/s  ${(s / base).toFixed(2).padStart(5)}× baseline time`);
  }
}
console.log(`RSS after the run: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
