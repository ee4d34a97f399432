/**
 * The plugin engine contract, version 1: what `--engine <file>` loads. A TS/JS module's default
 * export is a class (instantiated with no arguments) or an object with
 *   - `name: string` — any name not taken by a built-in engine (default: the file's base name),
 *   - `origin?: string` — where the algorithm comes from and its cost per write,
 *   - `contract?: 1` — the contract version it was written for,
 *   - `prepare(topology) → Support` — `topology` is `{ name, count, rss, affinity: Uint32Array }`
 *     (affinity[i] = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 of vCPU i); return `{ supported: true }`
 *     or `{ supported: false, reason }`,
 *   - `dispatch(write, sender, sink) → visits` — `write` is `{ intid, aff3, aff2, aff1,
 *     targetList, rs, irm, register }`; deliver each target once with `sink.deliver(vcpu, write)`
 *     (or `sink.deliverAllBut(sender, write)`, or `sink.deliverWord?.(word, mask, write)`) and
 *     return the vCPU records or table slots examined.
 * A C engine implements the same through native/plugin/vsgi_engine.h.
 */
import type { SgiWrite } from "../arch/sgi-register.ts";
import type { Support } from "../engines/engine.ts";
import { PluginError } from "../errors.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";

/** The contract version this vsgi implements. */
export const ENGINE_CONTRACT_VERSION = 1;

/** An engine as a plugin provides it: the built-in contract with any name. */
export interface PluginEngineInstance {
  readonly name: string;
  readonly origin: string;
  prepare(topology: Topology): Support;
  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number;
  /** C engines only: dispatch the register value as written (RES0 bits included). */
  dispatchRaw?(hi: number, lo: number, w: SgiWrite, sender: number, sink: DeliverySink): number;
}

/** How a plugin file was loaded. */
export type PluginKind = "js" | "ts" | "c";

/** A loaded plugin: makes fresh instances of its engine. */
export interface PluginEngine {
  /** The path as given. */
  readonly file: string;
  readonly kind: PluginKind;
  readonly name: string;
  readonly origin: string;
  /** A new, unprepared instance (an object export is returned as is: it has one instance). */
  create(): PluginEngineInstance;
}

type Candidate = { name?: unknown; origin?: unknown; contract?: unknown; prepare?: unknown; dispatch?: unknown };

function isObject(v: unknown): v is Candidate {
  return typeof v === "object" && v !== null;
}

/**
 * Checks a module's default export against the contract and wraps it.
 * @throws PluginError naming what is missing.
 */
export function pluginFromExport(file: string, kind: PluginKind, exported: unknown, fallbackName: string, reserved: readonly string[]): PluginEngine {
  let make: () => Candidate;
  if (typeof exported === "function") {
    const Ctor = exported as new () => unknown;
    make = () => {
      let o: unknown;
      try {
        o = new Ctor();
      } catch (e) {
        throw new PluginError(`${file}: the default export could not be instantiated with no arguments: ${e instanceof Error ? e.message : String(e)}`, file);
      }
      if (!isObject(o)) throw new PluginError(`${file}: the default export's constructor made no object`, file);
      return o;
    };
  } else if (isObject(exported)) {
    make = () => exported;
  } else {
    throw new PluginError(
      `${file}: no engine: the module's default export must be an engine class or object with prepare(topology) and dispatch(write, sender, sink), got ${exported === undefined ? "no default export" : typeof exported}`,
      file,
    );
  }
  const sample = make();
  for (const method of ["prepare", "dispatch"] as const) {
    if (typeof sample[method] !== "function") throw new PluginError(`${file}: the engine has no ${method}() method (contract ${String(ENGINE_CONTRACT_VERSION)})`, file);
  }
  if (sample.contract !== undefined && sample.contract !== ENGINE_CONTRACT_VERSION) {
    throw new PluginError(`${file}: the engine was written for contract ${String(sample.contract)}; this vsgi implements contract ${String(ENGINE_CONTRACT_VERSION)}`, file);
  }
  if (sample.name !== undefined && (typeof sample.name !== "string" || sample.name.trim() === "")) throw new PluginError(`${file}: the engine's name must be a non-empty string`, file);
  const name = typeof sample.name === "string" ? sample.name : fallbackName;
  if (reserved.includes(name)) throw new PluginError(`${file}: the engine's name "${name}" is a built-in engine's; give the plugin its own name`, file);
  const origin = typeof sample.origin === "string" ? sample.origin : `plugin ${file}`;
  const wrap = (o: Candidate): PluginEngineInstance => {
    const inst = o as unknown as PluginEngineInstance;
    if (typeof o.name === "string" && typeof o.origin === "string") return inst;
    // An engine without name or origin gets them from a thin wrapper (its private fields need `this` to be itself).
    return { name, origin, prepare: (t) => inst.prepare(t), dispatch: (w, s, k) => inst.dispatch(w, s, k) };
  };
  let first: Candidate | undefined = sample;
  return {
    file,
    kind,
    name,
    origin,
    create: () => {
      const o = first ?? make();
      first = undefined;
      return wrap(o);
    },
  };
}
