/**
 * The watchdog of `vsgi check`: bad input never causes a hang, and an engine whose `prepare` or
 * `dispatch` loops forever is bad input. The check's child process (src/cli/check.ts) records each
 * engine call in a shared buffer before making it — which call, the layout, the write — and a
 * worker thread polls that buffer. When one call has not returned within the limit, the worker
 * writes what it was (one JSON line) to the pipe the parent reads and kills its own process: the
 * main thread may be spinning in JS or in a C engine's native code, and neither can be
 * interrupted from inside, so the parent (which never runs engine code) reports the failed check.
 */
import { Worker } from "node:worker_threads";
import { sgiWriteHi, sgiWriteLo, type SgiWrite } from "../arch/sgi-register.ts";
import type { DeliverySink } from "../state/sink.ts";
import { MAX_VCPUS, type Topology } from "../topology/topology.ts";
import type { PluginEngine, PluginEngineInstance } from "./contract.ts";

/** Default limit on one engine call, in ms: far above any correct engine's call on a loaded machine. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** Loading (import or compile and load, and module top-level code) gets at least this long. */
export const MIN_LOAD_TIMEOUT_MS = 60_000;

/** The engine calls the watchdog times. */
export const WATCHED_CALLS = ["load", "create", "prepare", "dispatch"] as const;
export type WatchedCall = (typeof WATCHED_CALLS)[number];
/** The parts of the check, in order. */
export const CHECK_PARTS = ["load", "property", "vector", "trace", "complexity"] as const;
export type CheckPart = (typeof CHECK_PARTS)[number];

/** What the watchdog reports about the call that did not return. */
export interface StuckCall {
  readonly call: WatchedCall;
  readonly part: CheckPart;
  readonly limitMs: number;
  /** The layout prepared last (absent for load and create before any prepare). */
  readonly topology?: { readonly name: string; readonly rss: boolean; readonly count: number; readonly affinity: readonly number[] };
  /** dispatch only. */
  readonly sender?: number;
  readonly hi?: number;
  readonly lo?: number;
  /** dispatch only: writes dispatched on the same prepared instance before this one. */
  readonly earlier?: number;
}

// Int32 slots of the shared header.
const SEQ = 0; // bumped at every call start
const CALL = 1; // 0 idle, else 1 + index in WATCHED_CALLS
const PART = 2;
const SENDER = 3;
const HI = 4;
const LO = 5;
const EARLIER = 6;
const COUNT = 7;
const RSS = 8;
const NAME_LEN = 9;
const STOP = 10;
const HEADER = 16;
const NAME_BYTES = 256;
const AFFINITY_BYTE = HEADER * 4 + NAME_BYTES;

/** The worker: plain JS (eval'd), so it runs the same from dist/ and from source. */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { sab, limitMs, loadLimitMs, fd, calls, parts } = workerData;
const h = new Int32Array(sab, 0, ${HEADER});
const poll = Math.max(10, Math.min(250, Math.floor(limitMs / 5)));
let seq = -1, since = 0;
while (Atomics.load(h, ${STOP}) === 0) {
  Atomics.wait(h, ${STOP}, 0, poll);
  const call = Atomics.load(h, ${CALL});
  const s = Atomics.load(h, ${SEQ});
  const now = Date.now();
  if (call === 0 || s !== seq) { seq = call === 0 ? -1 : s; since = now; continue; }
  const limit = call === 1 ? loadLimitMs : limitMs;
  if (now - since < limit) continue;
  const out = { call: calls[call - 1], part: parts[h[${PART}]], limitMs: limit };
  const count = h[${COUNT}];
  if (count > 0) {
    const name = Buffer.from(new Uint8Array(sab, ${HEADER * 4}, h[${NAME_LEN}])).toString("utf8");
    out.topology = { name, rss: h[${RSS}] === 1, count, affinity: Array.from(new Uint32Array(sab, ${AFFINITY_BYTE}, Math.min(count, ${MAX_VCPUS}))) };
  }
  if (out.call === "dispatch") { out.sender = h[${SENDER}]; out.hi = h[${HI}] >>> 0; out.lo = h[${LO}] >>> 0; out.earlier = h[${EARLIER}]; }
  try { writeSync(fd, JSON.stringify({ timeout: out }) + "\\n"); } finally { process.kill(process.pid, "SIGKILL"); }
}
`;

/** A running watchdog over the engine calls of this thread. */
export class Watchdog {
  readonly #h: Int32Array;
  readonly #name: Uint8Array;
  readonly #affinity: Uint32Array;
  readonly #worker: Worker;
  readonly #encoder = new TextEncoder();
  /** The instance whose layout the buffer holds. */
  #prepared: object | undefined;

  /**
   * Starts the worker. When a call exceeds `limitMs` (loading: at least MIN_LOAD_TIMEOUT_MS) it
   * writes `{"timeout": StuckCall}` to file descriptor `fd` and kills this process.
   */
  constructor(limitMs: number, fd: number) {
    const sab = new SharedArrayBuffer(AFFINITY_BYTE + MAX_VCPUS * 4);
    this.#h = new Int32Array(sab, 0, HEADER);
    this.#name = new Uint8Array(sab, HEADER * 4, NAME_BYTES);
    this.#affinity = new Uint32Array(sab, AFFINITY_BYTE, MAX_VCPUS);
    const workerData = { sab, limitMs, loadLimitMs: Math.max(limitMs, MIN_LOAD_TIMEOUT_MS), fd, calls: WATCHED_CALLS, parts: CHECK_PARTS };
    this.#worker = new Worker(WORKER, { eval: true, workerData, stdout: false, stderr: false });
    this.#worker.unref();
  }

  /** The part of the check the next calls belong to. */
  part(p: CheckPart): void {
    this.#h[PART] = CHECK_PARTS.indexOf(p);
  }

  /** Runs `f` as one watched call. */
  call<T>(call: WatchedCall, f: () => T): T {
    const h = this.#h;
    Atomics.add(h, SEQ, 1);
    Atomics.store(h, CALL, 1 + WATCHED_CALLS.indexOf(call));
    try {
      return f();
    } finally {
      Atomics.store(h, CALL, 0);
    }
  }

  /** Runs the async `f` (loading a module) as one watched call. */
  async callAsync<T>(call: WatchedCall, f: () => Promise<T>): Promise<T> {
    const h = this.#h;
    Atomics.add(h, SEQ, 1);
    Atomics.store(h, CALL, 1 + WATCHED_CALLS.indexOf(call));
    try {
      return await f();
    } finally {
      Atomics.store(h, CALL, 0);
    }
  }

  #layout(owner: object, t: Topology): void {
    const h = this.#h;
    const name = this.#encoder.encode(t.name).subarray(0, NAME_BYTES);
    this.#name.set(name);
    h[NAME_LEN] = name.length;
    h[RSS] = t.rss ? 1 : 0;
    const n = Math.min(t.count, MAX_VCPUS);
    this.#affinity.set(t.affinity.subarray(0, n));
    h[COUNT] = t.count;
    h[EARLIER] = 0;
    this.#prepared = owner;
  }

  #dispatch<T>(owner: object, t: Topology | undefined, sender: number, hi: number, lo: number, f: () => T): T {
    const h = this.#h;
    // Instances share the buffer: re-record the layout when another instance dispatches.
    if (this.#prepared !== owner && t !== undefined) this.#layout(owner, t);
    h[SENDER] = sender;
    h[HI] = hi;
    h[LO] = lo;
    try {
      return this.call("dispatch", f);
    } finally {
      h[EARLIER] = (h[EARLIER] ?? 0) + 1;
    }
  }

  /** `plugin` with every create, prepare and dispatch call watched. */
  watch(plugin: PluginEngine): PluginEngine {
    const instance = (inner: PluginEngineInstance): PluginEngineInstance => {
      let topology: Topology | undefined;
      const self: PluginEngineInstance = {
        name: inner.name,
        origin: inner.origin,
        prepare: (t) => {
          topology = t;
          this.#layout(self, t);
          return this.call("prepare", () => inner.prepare(t));
        },
        dispatch: (w: SgiWrite, sender: number, sink: DeliverySink) => this.#dispatch(self, topology, sender, sgiWriteHi(w), sgiWriteLo(w), () => inner.dispatch(w, sender, sink)),
      };
      const raw = inner.dispatchRaw?.bind(inner);
      if (raw !== undefined) self.dispatchRaw = (hi, lo, w, sender, sink) => this.#dispatch(self, topology, sender, hi, lo, () => raw(hi, lo, w, sender, sink));
      return self;
    };
    const create = (): PluginEngineInstance => {
      this.#h[COUNT] = 0;
      this.#prepared = undefined;
      return instance(this.call("create", () => plugin.create()));
    };
    return { ...plugin, create };
  }

  /** Stops the worker (the check finished). */
  stop(): void {
    Atomics.store(this.#h, STOP, 1);
    Atomics.notify(this.#h, STOP);
  }
}
