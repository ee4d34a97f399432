/**
 * `vsgi check`: a plugin engine against the reference model on random layouts and writes
 * (shrunk), every conformance vector and every bundled real trace, plus its complexity rows.
 * The verdict is `pass`, `counterexample` or `nothing-checked` (the engine refused every layout).
 */
import type { PluginEngine } from "./contract.ts";
import { type ComplexityRow, complexityRows } from "./complexity.ts";
import { describeWrite, registerHex, routeCommand, shellWord, topologyArgument } from "./counterexample.ts";
import type { Disagreement } from "./differential.ts";
import { type PropertyResult, runProperty } from "./property.ts";
import { runTraces, type TracesResult } from "./traces.ts";
import { runVectors, type VectorsResult } from "./vectors.ts";
import type { Watchdog } from "./watchdog.ts";

/** Options of {@link checkEngine}. */
export interface CheckOptions {
  readonly seed: number;
  readonly runs: number;
  /** Times every engine call (the CLI's child process; see watchdog.ts). */
  readonly watchdog?: Watchdog;
  /** Called with each part's result as it completes (the CLI's child tells its parent). */
  readonly onPart?: (part: "property" | "vectors" | "traces" | "complexity", result: unknown) => void;
}

/** The first counterexample, ready to re-run. */
export interface Counterexample {
  readonly from: "property" | "vector" | "trace";
  /** The `--topology` argument (a preset, or a JSON file written by the check). */
  readonly topology: string;
  /** The JSON file's content, when the layout is not a preset. */
  readonly topologyJson?: string;
  readonly sender: number;
  /** The register value in hex, as written. */
  readonly value: string;
  readonly write: string;
  readonly expected: readonly number[];
  readonly actual: readonly number[];
  readonly visits: number;
  readonly duplicates: number;
  readonly error?: string;
  /** The `vsgi route` line that shows it again. */
  readonly route: string;
  /** Property only: the seed, the shrink steps, the writes before the failing one and the check line. */
  readonly seed?: number;
  readonly shrinks?: number;
  readonly earlierWrites?: readonly { readonly sender: number; readonly value: string }[];
  readonly rerun?: string;
  /** Vector id or trace file:line. */
  readonly where?: string;
}

/** What `vsgi check --json` prints. */
export interface CheckReport {
  readonly schema: "vsgi-check/1";
  readonly engine: { readonly file: string; readonly name: string; readonly kind: string; readonly origin: string };
  readonly verdict: "pass" | "counterexample" | "nothing-checked";
  readonly seed: number;
  readonly property: Omit<PropertyResult, "counterexample">;
  readonly vectors: VectorsResult;
  readonly traces: TracesResult;
  readonly counterexample?: Counterexample;
  readonly complexity: readonly ComplexityRow[];
}

function fromDisagreement(plugin: PluginEngine, from: Counterexample["from"], topology: string, d: Disagreement, where?: string): Counterexample {
  return {
    from,
    topology,
    sender: d.sender,
    value: registerHex(d.hi, d.lo),
    write: describeWrite(d.hi, d.lo),
    expected: d.expected,
    actual: d.actual.targets,
    visits: d.actual.visits,
    duplicates: d.actual.duplicates,
    ...(d.actual.error !== undefined ? { error: d.actual.error } : {}),
    route: routeCommand(plugin.file, topology, d.sender, d.hi, d.lo),
    ...(where !== undefined ? { where } : {}),
  };
}

function propertyCounterexample(plugin: PluginEngine, p: PropertyResult, runs: number): Counterexample | undefined {
  const c = p.counterexample;
  if (c === undefined) return undefined;
  const { spec, json } = topologyArgument(c.layout, p.seed);
  const topologyJson = json !== undefined ? { topologyJson: json.trim() } : {};
  const rerun = `vsgi check ${shellWord(plugin.file)} --seed ${String(p.seed)} --runs ${String(runs)}`;
  if ("prepareError" in c.failure) {
    return { from: "property", topology: spec, sender: 0, value: "", write: "prepare()", expected: [], actual: [], visits: 0, duplicates: 0, error: `prepare threw: ${c.failure.prepareError}`, route: "", seed: p.seed, shrinks: c.shrinks, rerun, ...topologyJson };
  }
  const earlierWrites = c.writes.slice(0, -1).map((w) => ({ sender: w.sender, value: registerHex(w.hi, w.lo) }));
  return { ...fromDisagreement(plugin, "property", spec, c.failure), seed: p.seed, shrinks: c.shrinks, earlierWrites, rerun, ...topologyJson };
}

/** Runs every part of the check on `plugin`. */
export async function checkEngine(given: PluginEngine, options: CheckOptions): Promise<CheckReport> {
  const dog = options.watchdog;
  const plugin = dog !== undefined ? dog.watch(given) : given;
  const onPart = options.onPart ?? (() => undefined);
  dog?.part("property");
  const property = runProperty(plugin, options.seed, options.runs);
  const { counterexample: _shrunk, ...propertySummary } = property;
  onPart("property", propertySummary);
  dog?.part("vector");
  const vectors = runVectors(plugin);
  onPart("vectors", vectors);
  dog?.part("trace");
  const traces = await runTraces(plugin);
  onPart("traces", traces);
  dog?.part("complexity");
  const complexity = complexityRows(() => plugin.create());
  onPart("complexity", complexity);
  let counterexample = propertyCounterexample(plugin, property, options.runs);
  const v = vectors.failed[0];
  if (counterexample === undefined && v !== undefined) counterexample = fromDisagreement(plugin, "vector", v.topology, v.failure, `conformance vector ${v.id}, write ${String(v.write)}`);
  for (const t of traces.traces) {
    if (counterexample !== undefined) break;
    if ("first" in t && t.first !== undefined) counterexample = fromDisagreement(plugin, "trace", t.topology, t.first, `${t.trace}:${String(t.first.line)}`);
  }
  const checkedAnything = property.checkedLayouts > 0 || vectors.passed + vectors.failed.length > 0 || traces.traces.some((t) => "writes" in t);
  const failed = counterexample !== undefined || vectors.failed.length > 0 || traces.traces.some((t) => "mismatches" in t && t.mismatches > 0);
  return {
    schema: "vsgi-check/1",
    engine: { file: plugin.file, name: plugin.name, kind: plugin.kind, origin: plugin.origin },
    verdict: failed ? "counterexample" : checkedAnything && property.checkedLayouts > 0 ? "pass" : "nothing-checked",
    seed: options.seed,
    property: propertySummary,
    vectors,
    traces,
    ...(counterexample !== undefined ? { counterexample } : {}),
    complexity,
  };
}
