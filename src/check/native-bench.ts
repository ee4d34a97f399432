/**
 * The native plugin bench: C engines linked into native/plugin/bench.cpp beside its C++
 * kvm-linear, kvm-mpidr-index and vsgi (same ABI, same optimisation flags), timed on the bench's
 * own workloads in one process. Built per set of engines into the plugin cache.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WriteBatch } from "../bench/batch.ts";
import { BUILTIN_WORKLOADS, resolveWorkload } from "../bench/workloads.ts";
import { PluginError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import { seedFor } from "../workload/rng.ts";
import { compileCObject, findCCompiler, pluginCacheDir, pluginNativeDir } from "./compile.ts";
import type { PluginEngine } from "./contract.ts";

/** Optimisation flags of every engine in the native bench (C and C++ alike); the second set is the fallback. */
export const PLUGIN_BENCH_FLAGS = [["-O2", "-march=native"], ["-O2"]] as const;

/** A built native plugin bench. */
export interface PluginBenchBinary {
  readonly path: string;
  readonly flags: string;
  readonly compilers: string;
}

function cxx(): { command: string; version: string } {
  const command = process.env.CXX ?? "g++";
  try {
    return { command, version: execFileSync(command, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0] ?? command };
  } catch {
    throw new PluginError(`no C++ compiler ("${command} --version" failed): the native plugin bench needs g++ (apt-get install g++) or CXX`);
  }
}

/** Compiles the bench with the C engines among `plugins` (none: built-ins only). */
export function buildPluginBench(plugins: readonly PluginEngine[]): PluginBenchBinary {
  const cc = findCCompiler();
  const cpp = cxx();
  const dir = pluginNativeDir();
  const sources = ["bench.cpp", "builtin-engines.hpp", "vsgi_engine.h"].map((f) => readFileSync(join(dir, f)));
  const c = plugins.filter((p) => p.kind === "c");
  let failure = "";
  for (const opt of PLUGIN_BENCH_FLAGS) {
    const hash = createHash("sha256");
    for (const s of sources) hash.update(s);
    for (const p of c) hash.update(p.name).update(readFileSync(p.file));
    hash.update(opt.join(" ")).update(cc.version).update(cpp.version);
    const key = hash.digest("hex").slice(0, 16);
    const path = join(pluginCacheDir(), `plugin-bench-${key}`);
    const built = { path, flags: opt.join(" "), compilers: `${cc.version}; ${cpp.version}` };
    if (existsSync(path)) return built;
    const work = join(pluginCacheDir(), `build-bench-${key}-${String(process.pid)}`);
    mkdirSync(work, { recursive: true });
    try {
      const objects = c.map((p, i) => compileCObject(p.file, `vsgi_plugin_${String(i)}`, opt, work));
      const decl = c.map((_, i) => `int vsgi_plugin_${String(i)}_prepare(const uint32_t*, uint32_t, int, char*); uint32_t vsgi_plugin_${String(i)}_dispatch(uint64_t, uint32_t, uint32_t*, uint32_t*);`);
      const rows = c.map((p, i) => `{${JSON.stringify(p.name)}, vsgi_plugin_${String(i)}_prepare, vsgi_plugin_${String(i)}_dispatch}`);
      const table = join(work, "plugins.cpp");
      writeFileSync(
        table,
        `#include <cstdint>\nstruct EngineEntry { const char* name; int (*prepare)(const uint32_t*, uint32_t, int, char*); uint32_t (*dispatch)(uint64_t, uint32_t, uint32_t*, uint32_t*); };\n` +
          `extern "C" { ${decl.join(" ")} }\nextern const EngineEntry kPlugins[] = {${rows.length > 0 ? rows.join(", ") : "{nullptr, nullptr, nullptr}"}};\nextern const unsigned kPluginCount = ${String(rows.length)};\n`,
      );
      const out = join(work, "plugin-bench");
      const r = spawnSync(cpp.command, [...opt, "-std=c++17", "-I", dir, join(dir, "bench.cpp"), table, ...objects, "-o", out], { encoding: "utf8" });
      if (r.status !== 0) {
        failure = (r.stderr || r.error?.message || "").trim().split("\n").slice(0, 4).join("\n");
        continue;
      }
      renameSync(out, path);
      return built;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  throw new PluginError(`the native plugin bench did not build:\n${failure}`);
}

/** One (workload, engine) measurement of the native plugin bench; `floor` marks the reference targets only. */
export interface PluginBenchSample {
  readonly topology: string;
  readonly workload: string;
  readonly engine: string;
  readonly writes: number;
  readonly visits: number;
  /** Writes whose targets differ from the architecture's rule. */
  readonly mismatches: number;
  readonly ns: readonly number[];
}

/** Per topology: support verdicts and samples. */
export interface PluginBenchRun {
  readonly topology: string;
  readonly support: readonly { engine: string; supported: boolean; reason: string }[];
  readonly samples: readonly PluginBenchSample[];
}

function inputBytes(t: Topology, batches: readonly { name: string; batch: WriteBatch }[], rounds: number, passMs: number): Buffer {
  const parts: Uint32Array[] = [Uint32Array.of(0x50475356, 1, t.count, t.rss ? 1 : 0), t.affinity, Uint32Array.of(rounds, Math.round(passMs * 1000), batches.length)];
  for (const { name, batch } of batches) {
    const bytes = Buffer.from(name, "utf8");
    const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
    padded.set(bytes);
    parts.push(Uint32Array.of(bytes.length), new Uint32Array(padded.buffer), Uint32Array.of(batch.count), batch.hi, batch.lo, batch.sender);
  }
  return Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

/** The workloads the native plugin bench times by default (the bench's built-ins but `mix`). */
export const PLUGIN_BENCH_WORKLOADS = BUILTIN_WORKLOADS.filter((w) => w.name !== "mix").map((w) => w.name);

/** Runs the bench binary on one topology. */
export async function runPluginBench(
  bin: PluginBenchBinary,
  t: Topology,
  options: { writes: number; rounds: number; passMs: number; seed: number; workloads?: readonly string[] },
): Promise<PluginBenchRun> {
  const batches: { name: string; batch: WriteBatch }[] = [];
  for (const name of options.workloads ?? PLUGIN_BENCH_WORKLOADS) {
    const w = resolveWorkload(name);
    if (w.unsupported?.(t) !== undefined) continue;
    // The bench cells' seed per (workload, topology), so the native bench times the very writes the JS cells timed.
    batches.push({ name: w.name, batch: await w.generate({ topology: t, writes: options.writes, seed: seedFor(options.seed, w.name, t.name) }) });
  }
  const input = join(pluginCacheDir(), `plugin-bench-input-${String(process.pid)}.bin`);
  writeFileSync(input, inputBytes(t, batches, options.rounds, options.passMs));
  const r = spawnSync(bin.path, [input], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  rmSync(input, { force: true });
  if (r.status !== 0) throw new PluginError(`the native plugin bench failed on ${t.name} (${r.signal ?? String(r.status)}): ${r.stderr.trim().split("\n")[0] ?? ""}`);
  const support: { engine: string; supported: boolean; reason: string }[] = [];
  const samples: PluginBenchSample[] = [];
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const o = JSON.parse(line) as { support?: { engine: string; supported: boolean; reason: string } } & Partial<PluginBenchSample>;
    if (o.support !== undefined) support.push(o.support);
    else if (o.engine !== undefined) samples.push({ ...(o as PluginBenchSample), topology: t.name });
  }
  return { topology: t.name, support, samples };
}
