/**
 * The differential property of `vsgi check`: on every random layout the engine supports, every
 * random write reaches exactly the reference's targets, each once. fast-check draws the cases
 * from a seed and shrinks the first failure to a smallest layout and write list.
 */
import fc from "fast-check";
import { PluginError } from "../errors.ts";
import type { PluginEngine } from "./contract.ts";
import { type LayoutFamily, type LayoutSpec, layoutArbitrary, layoutTopology, type ResolvedWrite, resolveWrite, type WriteSpec, writeArbitrary } from "./arbitraries.ts";
import { Differential, type Disagreement } from "./differential.ts";

/** Writes per random case (the shrinker removes the ones a failure does not need). */
const MAX_WRITES_PER_CASE = 6;
/** Distinct unsupported-layout reasons kept for the report. */
const MAX_REASONS = 12;

/** The shrunk failing case. */
export interface PropertyCounterexample {
  readonly layout: LayoutSpec;
  /** The writes up to and including the failing one, in order. */
  readonly writes: readonly ResolvedWrite[];
  readonly failure: Disagreement | { readonly prepareError: string };
  readonly shrinks: number;
}

/** A reason the engine gave for not supporting layouts, with how often. */
export interface UnsupportedReason {
  readonly reason: string;
  readonly count: number;
  /** The first layout that got it (topology name). */
  readonly example: string;
}

/** The property's outcome. */
export interface PropertyResult {
  readonly seed: number;
  readonly runs: number;
  /** Layouts the engine supported and that were checked. */
  readonly checkedLayouts: number;
  readonly checkedWrites: number;
  readonly unsupportedLayouts: number;
  readonly unsupportedReasons: readonly UnsupportedReason[];
  /** Per layout family: layouts checked and layouts unsupported. */
  readonly families: Readonly<Record<LayoutFamily, { checked: number; unsupported: number }>>;
  readonly counterexample?: PropertyCounterexample;
}

type Failure = { readonly writes: ResolvedWrite[]; readonly failure: Disagreement | { readonly prepareError: string } };

/** Runs the case `layout`+`writes` on a fresh instance; the failure, else the support verdict. */
function runCase(plugin: PluginEngine, layout: LayoutSpec, writes: readonly WriteSpec[]): Failure | { supported: boolean; reason?: string; topology: string; writes: number } {
  const topology = layoutTopology(layout);
  const engine = plugin.create();
  let support;
  try {
    support = engine.prepare(topology);
  } catch (e) {
    return { writes: [], failure: { prepareError: e instanceof Error ? e.message : String(e) } };
  }
  if (!support.supported) return { supported: false, reason: support.reason, topology: topology.name, writes: 0 };
  const diff = new Differential(engine, topology);
  const done: ResolvedWrite[] = [];
  for (const spec of writes) {
    const r = resolveWrite(spec, topology);
    done.push(r);
    const d = diff.compare(r.hi, r.lo, r.sender);
    if (d !== undefined) return { writes: done, failure: d };
  }
  return { supported: true, topology: topology.name, writes: done.length };
}

/**
 * Runs `runs` random cases from `seed` against the reference; stops at the first failure and
 * shrinks it.
 */
export function runProperty(plugin: PluginEngine, seed: number, runs: number): PropertyResult {
  const families = { kvm: { checked: 0, unsupported: 0 }, qemu: { checked: 0, unsupported: 0 }, sparse: { checked: 0, unsupported: 0 }, rss: { checked: 0, unsupported: 0 }, random: { checked: 0, unsupported: 0 } };
  const reasons = new Map<string, { count: number; example: string }>();
  let checkedLayouts = 0;
  let checkedWrites = 0;
  let unsupportedLayouts = 0;
  let failing = false;
  const property = fc.property(layoutArbitrary, fc.array(writeArbitrary, { minLength: 1, maxLength: MAX_WRITES_PER_CASE }), (layout, writes) => {
    const r = runCase(plugin, layout, writes);
    if ("failure" in r) {
      failing = true;
      return false;
    }
    // Counts cover the search only, not the shrinking after the first failure.
    if (failing) return true;
    if (r.supported) {
      checkedLayouts++;
      checkedWrites += r.writes;
      families[layout.family].checked++;
    } else {
      unsupportedLayouts++;
      families[layout.family].unsupported++;
      const reason = r.reason ?? "(no reason given)";
      const seen = reasons.get(reason);
      if (seen !== undefined) seen.count++;
      else if (reasons.size < MAX_REASONS) reasons.set(reason, { count: 1, example: r.topology });
    }
    return true;
  });
  const details = fc.check(property, { seed, numRuns: runs });
  const unsupportedReasons = [...reasons].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count);
  const base = { seed, runs: details.numRuns, checkedLayouts, checkedWrites, unsupportedLayouts, unsupportedReasons, families };
  if (!details.failed) return base;
  if (details.counterexample === null) throw new PluginError(`${plugin.file}: the check stopped: ${String(details.errorInstance)}`, plugin.file);
  const [layout, writes] = details.counterexample;
  const replay = runCase(plugin, layout, writes);
  if (!("failure" in replay)) throw new PluginError(`${plugin.file}: the shrunk counterexample (seed ${String(seed)}) passed when re-run: the engine is not deterministic`, plugin.file);
  return { ...base, counterexample: { layout, writes: replay.writes, failure: replay.failure, shrinks: details.numShrinks } };
}
