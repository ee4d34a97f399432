/**
 * The table of `vsgi` commands. Nothing here loads a command's code: `load` imports it only
 * when that command runs (or its `--help` is asked for), so `vsgi decode` never pays for the
 * lab's charts or the trace readers. A new command adds one line here and keeps the contract in
 * `contract.ts`.
 */
import type { Command } from "commander";

/** One command: its one-line summary (for `vsgi --help`) and how to load its `register`. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<(program: Command) => void>;
}

/** Every command, in the order `vsgi --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  decode: { summary: "decode an SGI register value into its fields", load: async () => (await import("./decode.ts")).registerDecode },
  route: { summary: "show which vCPUs a write reaches, on every engine, with visits", load: async () => (await import("./route.ts")).registerRoute },
  stress: { summary: "inject SGIs from worker threads and prove none is lost or invented", load: async () => (await import("./stress.ts")).registerStress },
  bench: { summary: "time every dispatch engine side by side (visits and ns per write)", load: async () => (await import("./bench.ts")).registerBench },
  lab: { summary: "the main job: sweep, real-trace replay, cost model and an HTML report", load: async () => (await import("./lab.ts")).registerLab },
  replay: { summary: "replay real traces through every engine; exit 1 on any mismatch", load: async () => (await import("./replay.ts")).registerReplay },
  export: { summary: "convert a trace to vsgi JSONL", load: async () => (await import("./export.ts")).registerExport },
  capture: { summary: "boot a Linux guest under QEMU and record a real SGI trace", load: async () => (await import("./capture.ts")).registerCapture },
  model: { summary: "cost model of a whole vSGI per engine, VM size and workload", load: async () => (await import("./model.ts")).registerModel },
  check: { summary: "test your own engine (.ts/.js/.c) against the reference: shrunk counterexample", load: async () => (await import("./check.ts")).registerCheck },
  "init-engine": { summary: "write a correct starting-point engine in TS or C", load: async () => (await import("./init-engine.ts")).registerInitEngine },
};
