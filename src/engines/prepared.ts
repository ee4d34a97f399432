/**
 * Engines prepared for one topology, and one decoded write dispatched on all of them into a
 * recording sink: the core that routeWrite (route.ts), trace replay and the tests share.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { Topology } from "../topology/topology.ts";
import type { Engine, EngineName, Support } from "./engine.ts";
import type { RecordingSink } from "./recording-sink.ts";
import { createEngine, engineNames } from "./registry.ts";

/** One engine prepared for a topology, with its support verdict. */
export interface PreparedEngine {
  readonly engine: Engine;
  readonly support: Support;
}

/** Creates and prepares the named engines (default: every registered one) for `topology`. */
export function prepareEngines(topology: Topology, names: readonly EngineName[] = engineNames()): PreparedEngine[] {
  return names.map((name) => {
    const engine = createEngine(name);
    return { engine, support: engine.prepare(topology) };
  });
}

/** The outcome of one write on one engine. */
export type RouteResult = { readonly targets: number[]; readonly visits: number; readonly duplicates: number } | { readonly unsupported: string };

/** Dispatches one decoded write on every prepared engine and records each one's targets and visits. */
export function routeOnEngines(prepared: readonly PreparedEngine[], w: SgiWrite, sender: number, sink: RecordingSink): Map<EngineName, RouteResult> {
  const out = new Map<EngineName, RouteResult>();
  for (const { engine, support } of prepared) {
    if (!support.supported) {
      out.set(engine.name, { unsupported: support.reason });
      continue;
    }
    sink.clear();
    const visits = engine.dispatch(w, sender, sink);
    out.set(engine.name, { targets: sink.sorted(), visits, duplicates: sink.duplicates });
  }
  return out;
}
