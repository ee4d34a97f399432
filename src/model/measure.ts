/**
 * The measured side of the cost model: ns per write of each engine in this JS runtime, from the
 * benchmark lab's interleaved harness (`runBench`), so the model can show the lookup priced by a
 * measurement as well as by the published ns per visit. The JS lookup is the engine's ns minus
 * the sink floor's (decode + SgiState.deliver per known target, measured in the same rounds).
 */
import { runBench } from "../bench/run.ts";
import type { WriteBatch } from "../bench/batch.ts";
import { registerWorkload } from "../bench/workloads.ts";
import { SgiRegister } from "../arch/sgi-register.ts";
import { presetTopology } from "../topology/presets.ts";
import { deliveryNs, type ModelOutput, type ModelRow, type ModelWorkload, streamFor } from "./model.ts";

/** Measured figures added to a model row. */
export interface MeasuredRow extends ModelRow {
  /** Median ns per write of the engine in JS (null: not measured). */
  readonly jsNsPerWrite: number | null;
  /** The engine's JS ns minus the sink floor's: the lookup alone, measured. */
  readonly jsLookupNs: number | null;
  /** The lookup share with the measured JS lookup in place of visits × ns per visit. */
  readonly jsLookupShare: number | null;
}

/** Options of {@link measureModel}. */
export interface MeasureOptions {
  readonly rounds?: number;
  readonly passMs?: number;
  readonly writes?: number;
  readonly seed?: number;
}

/** The bench workload name of a model workload (registering it when the bench has no such name). */
function benchName(w: ModelWorkload): string {
  if (w.kind === "profile" && w.name.startsWith("linux:")) return w.name;
  const name = `model:${w.name}`;
  registerWorkload({
    name,
    description: `cost-model workload ${w.name}`,
    unsupported: (t) => (w.kind === "profile" && t.count < 2 ? "needs at least 2 vCPUs" : undefined),
    generate: ({ topology, writes, seed }): WriteBatch => {
      const s = streamFor(w, topology, writes, seed);
      return { hi: s.hi, lo: s.lo, sender: s.senders, register: new Uint8Array(s.hi.length).fill(SgiRegister.SGI1R), count: s.hi.length };
    },
  });
  return name;
}

/**
 * Times every (engine, workload, size) of a model run with the bench harness and adds the JS
 * figures to its rows. Takes seconds to minutes depending on sizes; never used by tests' asserts.
 */
export async function measureModel(model: ModelOutput, workloads: readonly ModelWorkload[], options: MeasureOptions = {}): Promise<MeasuredRow[]> {
  const names = new Map(workloads.map((w) => [benchName(w), w.name]));
  const sizes = [...new Set(model.rows.map((r) => r.vcpus))].filter((n) => n >= 2);
  const engines = [...new Set(model.rows.map((r) => r.engine))];
  const report = await runBench({
    topologies: sizes.map((n) => presetTopology(`${model.layout}:${String(n)}`).name),
    engines,
    workloads: [...names.keys()],
    rounds: options.rounds ?? 3,
    passMs: options.passMs ?? 2,
    writes: options.writes ?? 1024,
    seed: options.seed ?? 1,
    native: false,
    memory: false,
  });
  const key = (workload: string, engine: string, vcpus: number): string => `${workload}|${engine}|${String(vcpus)}`;
  const ns = new Map<string, number | null>();
  const floor = new Map<string, number>();
  for (const r of report.results) ns.set(key(names.get(r.workload) ?? r.workload, r.engine, r.vcpus), r.nsPerWrite);
  for (const f of report.floors) if (f.kind === "sink-floor") floor.set(key(names.get(f.workload) ?? f.workload, "", f.vcpus), f.nsPerWrite);
  const m = model.machine;
  return model.rows.map((row) => {
    const js = ns.get(key(row.workload, row.engine, row.vcpus)) ?? null;
    const f = floor.get(key(row.workload, "", row.vcpus));
    const jsLookupNs = js === null || f === undefined ? null : Math.max(0, js - f);
    const total = jsLookupNs === null ? null : m.trapExit.ns + m.decode.ns + jsLookupNs + row.targetsPerWrite * deliveryNs(m, row.delivery, model.resident);
    return { ...row, jsNsPerWrite: js, jsLookupNs, jsLookupShare: total === null || jsLookupNs === null ? null : jsLookupNs / total };
  });
}
