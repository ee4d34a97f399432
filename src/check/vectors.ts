/**
 * The conformance vectors (conformance/vectors.json) on a plugin engine: every GICv3 write of
 * every vector that states per-write `targets` — the architecture's answer; an `engines.<name>`
 * entry records one peer's own behaviour and is not used here. GICv2 (GICD_SGIR) vectors are
 * skipped: dispatch engines see GICv3 writes only.
 */
import { join } from "node:path";
import * as v from "valibot";
import { parseSgiRegisterName } from "../arch/sgi-register.ts";
import { splitU64 } from "../arch/value.ts";
import { packageRoot } from "../util/package-root.ts";
import { PluginError } from "../errors.ts";
import { loadTopology, parseTopologyJson } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import type { PluginEngine } from "./contract.ts";
import { Differential, type Disagreement } from "./differential.ts";
import { parseJsonStrict } from "../json.ts";
import { readInputFile } from "../util/read-input.ts";

/** Largest vectors file read (the shipped one is ~60 KB). */
const MAX_VECTORS_BYTES = 16 << 20;

// Only the fields used here; peers add fields to vectors, which must not break the check.
const int = v.pipe(v.number(), v.integer());
const Vector = v.object({
  id: v.string(),
  source: v.string(),
  topology: v.union([v.string(), v.object({ name: v.optional(v.string()), rss: v.optional(v.boolean()), mpidrs: v.array(v.union([v.string(), v.number()])) })]),
  writes: v.array(v.object({ sender: int, register: v.string(), value: v.string() })),
  targets: v.optional(v.array(v.array(int))),
});
const VectorFile = v.object({ vectors: v.array(v.unknown()) });

/** One vector on which the engine disagrees with the stated targets. */
export interface VectorFailure {
  readonly id: string;
  /** Index of the write in the vector. */
  readonly write: number;
  readonly topology: string;
  readonly failure: Disagreement;
}

/** The vectors' outcome. */
export interface VectorsResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: readonly VectorFailure[];
  /** Vectors not run, with why (GICv2, no per-write targets, a layout the engine refuses). */
  readonly skipped: readonly { readonly id: string; readonly why: string }[];
}

/** Where the vectors live in a checkout and in the package. */
export function vectorsPath(): string {
  return join(packageRoot(), "conformance", "vectors.json");
}

/** Runs every applicable vector on fresh instances of `plugin`. */
export function runVectors(plugin: PluginEngine, file = vectorsPath()): VectorsResult {
  let raw: unknown;
  try {
    // The same bounded read and strict JSON parse as every other input.
    raw = parseJsonStrict(readInputFile(file, MAX_VECTORS_BYTES, (m) => new PluginError(m, file)), file, PluginError, { maxChars: MAX_VECTORS_BYTES });
  } catch (e) {
    throw new PluginError(`conformance vectors ${file} cannot be read: ${e instanceof Error ? e.message : String(e)}`, file);
  }
  const parsedFile = v.safeParse(VectorFile, raw);
  if (!parsedFile.success) throw new PluginError(`conformance vectors ${file}: no "vectors" list`, file);
  const list = parsedFile.output.vectors;
  const out = { file, passed: 0, failed: [] as VectorFailure[], skipped: [] as { id: string; why: string }[] };
  for (const item of list) {
    const parsed = v.safeParse(Vector, item);
    const id = typeof item === "object" && item !== null && "id" in item ? String(item.id) : "(no id)";
    if (!parsed.success) {
      out.skipped.push({ id, why: "not a GICv3 write vector this check understands" });
      continue;
    }
    const vec = parsed.output;
    if (vec.writes.some((w) => w.register.toLowerCase() === "gicd-sgir")) {
      out.skipped.push({ id, why: "GICv2 GICD_SGIR writes (engines dispatch GICv3 ICC_SGI*R_EL1 writes)" });
      continue;
    }
    if (vec.targets === undefined || vec.targets.length !== vec.writes.length) {
      out.skipped.push({ id, why: "states no per-write targets" });
      continue;
    }
    const topology: Topology = typeof vec.topology === "string" ? loadTopology(vec.topology) : parseTopologyJson(JSON.stringify(vec.topology), `${vec.id}.topology`);
    const engine = plugin.create();
    const support = engine.prepare(topology);
    if (!support.supported) {
      out.skipped.push({ id, why: `unsupported layout ${topology.name}: ${support.reason}` });
      continue;
    }
    const diff = new Differential(engine, topology);
    let failure: VectorFailure | undefined;
    vec.writes.forEach((w, i) => {
      if (failure !== undefined) return;
      const { hi, lo } = splitU64(BigInt(w.value));
      const { outcome } = diff.run(hi, lo, w.sender, parseSgiRegisterName(w.register));
      const expected = [...(vec.targets?.[i] ?? [])].sort((a, b) => a - b);
      const same = outcome.error === undefined && outcome.duplicates === 0 && expected.length === outcome.targets.length && expected.every((t, k) => t === outcome.targets[k]);
      if (!same) failure = { id, write: i, topology: typeof vec.topology === "string" ? vec.topology : topology.name, failure: { hi, lo, sender: w.sender, expected, actual: outcome } };
    });
    if (failure === undefined) out.passed++;
    else out.failed.push(failure);
  }
  return out;
}
