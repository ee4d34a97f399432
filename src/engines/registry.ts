/**
 * The engine registry: every dispatch engine vsgi knows, in the order reports list them.
 * Adding a built-in engine is its file plus one line in BUILT_IN; a plugin engine (any name)
 * calls `registerEngine`, after which the CLI, replay, bench and report see it like a built-in.
 */
import { checkObject, describeValue, UsageError } from "../errors.ts";
import type { Engine, EngineName } from "./engine.ts";
import { KvmLinearEngine } from "./kvm-linear.ts";
import { KvmMpidrIndexEngine } from "./kvm-mpidr-index.ts";
import { QemuScanEngine } from "./qemu-scan.ts";
import { ReferenceEngine } from "./reference.ts";
import { RfcAffskipEngine } from "./rfc-affskip.ts";
import { VsgiEngine } from "./vsgi.ts";
import { XenEngine } from "./xen.ts";

/** One registered engine. */
export interface EngineEntry {
  /** The name flags, reports and JSON use (`vsgi`, `kvm-linear`, a plugin's own). */
  readonly name: EngineName;
  /** Where the algorithm comes from and its cost per write, one sentence. */
  readonly description: string;
  /** A new, unprepared instance. */
  create(): Engine;
}

/** A built-in engine's entry, named and described by the engine itself. */
function builtIn(create: () => Engine): EngineEntry {
  const sample = create();
  return { name: sample.name, description: sample.origin, create };
}

const entries: EngineEntry[] = [
  builtIn(() => new ReferenceEngine()),
  builtIn(() => new KvmLinearEngine()),
  builtIn(() => new RfcAffskipEngine()),
  builtIn(() => new KvmMpidrIndexEngine()),
  builtIn(() => new QemuScanEngine()),
  builtIn(() => new XenEngine()),
  builtIn(() => new VsgiEngine()),
];

/** The built-in engines' names, in report order (plugins registered later are in `engineNames()`). */
export const ENGINE_NAMES: readonly EngineName[] = entries.map((e) => e.name);

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * Adds an engine to the registry, after every engine already there.
 * @throws UsageError on a name that is not `[a-z0-9][a-z0-9._-]*`, `all`, or already registered.
 */
export function registerEngine(entry: EngineEntry): void {
  checkObject(entry, "engine entry");
  if (typeof entry.name !== "string" || typeof entry.create !== "function") throw new UsageError("an engine entry needs a string name and a create() function", describeValue(entry.name));
  if (!NAME_PATTERN.test(entry.name) || entry.name === "all") throw new UsageError(`engine name "${entry.name}" must match ${String(NAME_PATTERN)} and not be "all"`, entry.name);
  if (isEngineName(entry.name)) throw new UsageError(`an engine named "${entry.name}" is already registered`, entry.name);
  entries.push(entry);
}

/** Every registered engine, in report order. */
export function engineEntries(): readonly EngineEntry[] {
  return entries;
}

/** Every registered engine's name, in report order. */
export function engineNames(): EngineName[] {
  return entries.map((e) => e.name);
}

/** Whether `name` is a registered engine. */
export function isEngineName(name: string): boolean {
  return entries.some((e) => e.name === name);
}

/**
 * A new, unprepared engine by name.
 * @throws UsageError on an unknown name.
 * @example createEngine("vsgi").prepare(presetTopology("kvm:64"))
 */
export function createEngine(name: EngineName): Engine {
  const entry = entries.find((e) => e.name === name);
  if (entry === undefined) throw new UsageError(`unknown engine ${describeValue(name)} (expected one of ${engineNames().join(", ")})`, describeValue(name));
  return entry.create();
}

/** Parses a comma-separated engine list (`all` = every registered engine). */
export function parseEngineList(text: string): EngineName[] {
  if (text === "all") return engineNames();
  const names = text.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!isEngineName(n)) throw new UsageError(`unknown engine "${n}" (expected all or any of ${engineNames().join(", ")})`, n);
  }
  return [...new Set(names)];
}

/**
 * `names` in report order: registered engines in registry order, then `after` (e.g. `floor`),
 * then any other name alphabetically.
 */
export function orderEngines(names: Iterable<string>, after: readonly string[] = []): string[] {
  const set = new Set(names);
  const known = [...engineNames(), ...after].filter((e) => set.has(e));
  return [...known, ...[...set].filter((e) => !known.includes(e)).sort()];
}
