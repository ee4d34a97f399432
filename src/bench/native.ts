/**
 * The native anchor: native/anchor.cpp (kvm-linear, vsgi and the floor in C++), compiled
 * with the machine's g++ on first use into `.cache/vsgi-bench/` (keyed by a hash of the source,
 * flags and compiler version) and run on the same writes the JS benchmark timed. Without a
 * compiler the anchor is skipped with the reason in the report.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Topology } from "../topology/topology.ts";
import { packageRoot } from "../util/package-root.ts";
import type { BatchTargets } from "./targets.ts";
import type { WriteBatch } from "./batch.ts";

/**
 * Flags the anchor is built with. `-march=native` lets g++ use this CPU's instructions (POPCNT,
 * BMI): the anchor is built and run on the benchmark machine, so it should be its best native
 * code. A compiler that rejects it gets the portable flags.
 */
export const NATIVE_FLAGS = ["-O2", "-std=c++17", "-march=native"] as const;
const PORTABLE_FLAGS = ["-O2", "-std=c++17"] as const;

/** A built anchor, or why there is none. */
export type NativeBuild =
  | { readonly ok: true; readonly binary: string; readonly compiler: string; readonly flags: string; readonly cached: boolean }
  | { readonly ok: false; readonly reason: string };

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, ".probe");
    writeFileSync(probe, "");
    return true;
  } catch {
    return false;
  }
}

/** Compiles the anchor (or finds the cached binary). */
export function buildNative(): NativeBuild {
  const source = join(packageRoot(), "native", "anchor.cpp");
  if (!existsSync(source)) return { ok: false, reason: `native source ${source} not found` };
  const cxx = process.env.CXX ?? "g++";
  let version: string;
  try {
    version = execFileSync(cxx, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0] ?? cxx;
  } catch {
    return { ok: false, reason: `no C++ compiler: "${cxx} --version" failed (install g++ or set CXX) — native anchor skipped` };
  }
  const text = readFileSync(source);
  let cacheDir = join(packageRoot(), ".cache", "vsgi-bench");
  if (!writable(cacheDir)) cacheDir = join(tmpdir(), "vsgi-bench-cache");
  let failure = "";
  for (const flags of [NATIVE_FLAGS, PORTABLE_FLAGS]) {
    const hash = createHash("sha256").update(text).update(flags.join(" ")).update(version).digest("hex").slice(0, 16);
    const binary = join(cacheDir, `anchor-${hash}`);
    if (existsSync(binary)) return { ok: true, binary, compiler: version, flags: flags.join(" "), cached: true };
    const r = spawnSync(cxx, [...flags, source, "-o", binary], { encoding: "utf8" });
    if (r.status === 0) return { ok: true, binary, compiler: version, flags: flags.join(" "), cached: false };
    failure = (r.stderr || r.error?.message || "").trim().split("\n").slice(0, 3).join(" ");
  }
  return { ok: false, reason: `${cxx} failed to build the anchor: ${failure}` };
}

/** One workload's writes and targets for the anchor. */
export interface NativeCell {
  readonly workload: string;
  readonly batch: WriteBatch;
  readonly targets: BatchTargets;
}

/** Serialises a topology and its workloads in the anchor's input layout (all little-endian uint32). */
export function writeNativeInput(path: string, topology: Topology, cells: readonly NativeCell[], rounds: number, passMs: number): void {
  const words: number[] = [0x42475356, 1, topology.count, topology.rss ? 1 : 0, ...topology.affinity, rounds, Math.round(passMs * 1000), cells.length];
  const chunks: Uint32Array[] = [];
  const flushWords = (): void => {
    chunks.push(Uint32Array.from(words));
    words.length = 0;
  };
  for (const c of cells) {
    const name = Buffer.from(c.workload, "utf8");
    const padded = new Uint8Array(Math.ceil(name.length / 4) * 4);
    padded.set(name);
    words.push(name.length, ...new Uint32Array(padded.buffer), c.batch.count);
    flushWords();
    chunks.push(c.batch.hi, c.batch.lo, c.batch.sender, Uint32Array.from(c.batch.register), c.targets.start, Uint32Array.of(c.targets.list.length), c.targets.list);
  }
  flushWords();
  const bytes = Buffer.concat(chunks.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  writeFileSync(path, bytes);
}

/** One anchor measurement. */
export interface NativeSample {
  readonly workload: string;
  readonly algorithm: "floor" | "kvm-linear" | "vsgi";
  readonly visits: number;
  readonly reps: number;
  readonly ns: readonly number[];
}

/** Runs the anchor on one topology's cells. */
export function runNative(binary: string, topology: Topology, cells: readonly NativeCell[], rounds: number, passMs: number): NativeSample[] {
  const input = join(dirname(binary), `input-${String(process.pid)}-${topology.name.replace(/[^a-z0-9]/gi, "_")}.bin`);
  writeNativeInput(input, topology, cells, rounds, passMs);
  const r = spawnSync(binary, [input], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  rmSync(input, { force: true });
  if (r.status !== 0) throw new Error(`native anchor failed (${String(r.status)}): ${r.stderr}`);
  const out: NativeSample[] = [];
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const o = JSON.parse(line) as Partial<NativeSample>;
    if (o.algorithm !== undefined) out.push(o as NativeSample);
  }
  return out;
}
