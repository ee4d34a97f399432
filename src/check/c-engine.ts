/**
 * A C engine (ABI 1, native/plugin/vsgi_engine.h) behind the ordinary engine contract: each
 * write is re-encoded into ICC_SGI1R_EL1 and handed to `vsgi_engine_dispatch` in-process through
 * the Node-API shim; the targets it writes are delivered to the sink. `dispatchRaw` passes a
 * value exactly as the guest wrote it (RES0 bits included), which `vsgi check` uses.
 */
import { createRequire } from "node:module";
import { sgiWriteHi, sgiWriteLo, type SgiWrite } from "../arch/sgi-register.ts";
import type { Support } from "../engines/engine.ts";
import { PluginError } from "../errors.ts";
import type { DeliverySink } from "../state/sink.ts";
import type { Topology } from "../topology/topology.ts";
import type { CompiledModule } from "./compile.ts";
import type { PluginEngineInstance } from "./contract.ts";

/** The module napi-shim.c exports. */
interface NativeEngineModule {
  readonly abi: number;
  prepare(affinity: Uint32Array, rss: number, targets: Uint32Array, ntargets: Uint32Array): string | null;
  dispatch(hi: number, lo: number, sender: number): number;
}

/** `*ntargets` as preset by the shim: the engine never wrote it. */
const UNSET = 0xffff_ffff;

/** One loaded C engine module; its instances share the engine's global state, so the last prepared wins. */
export class CEngineModule {
  readonly file: string;
  readonly #native: NativeEngineModule;
  /** The instance whose topology the engine's globals currently hold. */
  active: CEngine | undefined;

  constructor(file: string, compiled: CompiledModule) {
    this.file = file;
    try {
      this.#native = createRequire(import.meta.url)(compiled.path) as NativeEngineModule;
    } catch (e) {
      throw new PluginError(`${file}: the compiled engine does not load: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, file);
    }
    if (this.#native.abi !== 1) throw new PluginError(`${file}: compiled against C engine ABI ${String(this.#native.abi)}, expected 1`, file);
  }

  get native(): NativeEngineModule {
    return this.#native;
  }
}

/** One instance of a C engine. */
export class CEngine implements PluginEngineInstance {
  readonly name: string;
  readonly origin: string;
  readonly #module: CEngineModule;
  #topology: Topology | undefined;
  #targets = new Uint32Array(0);
  readonly #ntargets = new Uint32Array(1);
  #support: Support = { supported: false, reason: "not prepared" };

  constructor(module: CEngineModule, name: string, origin: string) {
    this.#module = module;
    this.name = name;
    this.origin = origin;
  }

  prepare(topology: Topology): Support {
    this.#topology = topology;
    this.#targets = new Uint32Array(topology.count);
    this.#module.active = this;
    const reason = this.#module.native.prepare(topology.affinity, topology.rss ? 1 : 0, this.#targets, this.#ntargets);
    this.#support = reason === null ? { supported: true } : { supported: false, reason };
    return this.#support;
  }

  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    return this.dispatchRaw(sgiWriteHi(w), sgiWriteLo(w), w, sender, sink);
  }

  /** Dispatches the register value `hi:lo` (decoded as `w`) as written, RES0 bits and all. */
  dispatchRaw(hi: number, lo: number, w: SgiWrite, sender: number, sink: DeliverySink): number {
    const topology = this.#topology;
    if (topology === undefined) throw new PluginError(`${this.#module.file}: dispatch before prepare`, this.#module.file);
    if (this.#module.active !== this) this.prepare(topology);
    const visits = this.#module.native.dispatch(hi, lo, sender);
    const n = this.#ntargets[0]!;
    if (n === UNSET) throw new PluginError(`${this.#module.file}: vsgi_engine_dispatch returned without setting *ntargets`, this.#module.file);
    if (n > topology.count) {
      throw new PluginError(`${this.#module.file}: vsgi_engine_dispatch reported ${String(n)} targets on a VM of ${String(topology.count)} vCPUs`, this.#module.file);
    }
    const targets = this.#targets;
    for (let i = 0; i < n; i++) {
      const v = targets[i]!;
      if (v >= topology.count) throw new PluginError(`${this.#module.file}: target vCPU ${String(v)} is outside 0..${String(topology.count - 1)}`, this.#module.file);
      sink.deliver(v, w);
    }
    return visits;
  }
}
