/** `vsgi bench`: every engine side by side — visits and ns per write, floors, native anchor, memory. */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { formatReport } from "../bench/format.ts";
import { runBench } from "../bench/run.ts";
import type { BenchOptions } from "../bench/types.ts";
import { BUILTIN_WORKLOADS, workloadFamilies } from "../bench/workloads.ts";
import { ENGINE_NAMES, parseEngineList } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { MAX_VCPUS } from "../topology/topology.ts";
import { PRESET_NAMES } from "../topology/presets.ts";
import { action, printJson } from "./contract.ts";
import { engineFileOption, useEngineFiles } from "./engine-option.ts";
import { loadTopology } from "../topology/index.ts";
import { parseCount, parseIntList } from "./util.ts";

interface BenchFlags {
  vcpus?: string;
  layouts?: string;
  topologies?: string;
  engines?: string;
  workloads?: string;
  quick?: boolean;
  json?: boolean;
  rounds?: string;
  writes?: string;
  passMs?: string;
  seed?: string;
  native: boolean;
  memory: boolean;
  progress: boolean;
  isolate: boolean;
  engine?: string[];
}

function list(text: string, flag: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`${flag}: "${text}" is not a comma-separated list`, text);
  return items;
}

/** Turns the command-line flags into `runBench` options (exported for tests). */
export function benchOptionsFromFlags(f: BenchFlags): BenchOptions {
  const layouts = f.layouts === undefined ? undefined : list(f.layouts, "--layouts");
  for (const l of layouts ?? []) {
    if (!(PRESET_NAMES as readonly string[]).includes(l)) throw new UsageError(`--layouts: unknown layout "${l}" (expected any of ${PRESET_NAMES.join(", ")})`, l);
  }
  const passMs = f.passMs === undefined ? undefined : Number(f.passMs);
  if (passMs !== undefined && !(passMs > 0 && passMs <= 10_000)) throw new UsageError(`--pass-ms: "${String(f.passMs)}" must be a number of milliseconds in (0, 10000]`, f.passMs);
  return {
    ...(f.quick === true ? { quick: true } : {}),
    ...(f.vcpus !== undefined ? { vcpus: parseIntList(f.vcpus, "--vcpus", MAX_VCPUS) } : {}),
    ...(layouts !== undefined ? { layouts } : {}),
    ...(f.topologies !== undefined ? { topologies: list(f.topologies, "--topologies") } : {}),
    ...(f.engines !== undefined ? { engines: parseEngineList(f.engines) } : {}),
    ...(f.workloads !== undefined ? { workloads: list(f.workloads, "--workloads") } : {}),
    ...(f.rounds !== undefined ? { rounds: parseCount(f.rounds, "--rounds", 1000) } : {}),
    ...(f.writes !== undefined ? { writes: parseCount(f.writes, "--writes", 1 << 22) } : {}),
    ...(passMs !== undefined ? { passMs } : {}),
    ...(f.seed !== undefined ? { seed: parseCount(f.seed, "--seed", 0xffff_ffff) } : {}),
    native: f.native,
    memory: f.memory,
    isolate: f.isolate,
  };
}

export function registerBench(program: Command): void {
  const families = [...workloadFamilies().keys()].map((p) => `${p}:<…>`);
  engineFileOption(program.command("bench"))
    .description("time every dispatch engine side by side: visits and ns per write, ratios to kvm-linear and to the floor, native anchor, memory")
    .option("--vcpus <list>", "VM sizes, comma-separated (default 4,16,64,256,512,4096; --quick: 64,512)")
    .option("--layouts <list>", `layout presets crossed with --vcpus (default kvm,sparse; any of ${PRESET_NAMES.join(", ")})`)
    .option("--topologies <list>", "explicit topologies instead of --vcpus × --layouts: presets or topology JSON files, e.g. kvm:512,sparse:4096")
    .option("--engines <list>", "engines to time, comma-separated, or all (default all)")
    .option("--workloads <list>", `workloads, comma-separated (default ${BUILTIN_WORKLOADS.map((w) => w.name).join(",")}${families.length > 0 ? `; also ${families.join(", ")}` : ""})`)
    .option("--quick", "sizes 64 and 512, 15 rounds, 0.5 ms passes (under a minute on 2 busy cores)")
    .option("--json", "print the report as one JSON object on stdout")
    .option("--rounds <n>", "timed rounds per cell (default 21; --quick 15)")
    .option("--writes <n>", "writes per generated batch (default 2048)")
    .option("--pass-ms <ms>", "target duration of one timed pass in ms (default 2; --quick 0.5)")
    .option("--seed <n>", "workload seed (default 1)")
    .option("--no-native", "skip the C++ anchor")
    .option("--no-memory", "skip the memory measurement at 4096 vCPUs")
    .option("--no-progress", "no progress bar on stderr")
    .option("--no-isolate", "time every cell in this thread instead of a fresh worker thread per cell")
    .action(
      action(async (flags: BenchFlags) => {
        const plugins = await useEngineFiles(flags);
        const js = plugins.filter((p) => p.kind !== "c");
        // TS/JS plugins join the JS cells (registered in each cell worker too); C plugins are timed natively below.
        const base = benchOptionsFromFlags(flags);
        const native = new Set(plugins.filter((p) => p.kind === "c").map((p) => p.name));
        const options = {
          ...base,
          ...(base.engines !== undefined ? { engines: base.engines.filter((e) => !native.has(e)) } : js.length > 0 ? { engines: [...ENGINE_NAMES, ...js.map((p) => p.name)] } : {}),
          ...(js.length > 0 ? { workerSetup: (await import("../check/worker-setup.ts")).pluginWorkerSetup(js.map((p) => p.file)) } : {}),
        };
        const bar = flags.progress && process.stderr.isTTY ? new SingleBar({ format: "bench [{bar}] {value}/{total} {label}", hideCursor: true, clearOnComplete: true, stream: process.stderr }) : null;
        bar?.start(1, 0, { label: "" });
        let report;
        try {
          report = await runBench(options, (done, total, label) => {
            bar?.setTotal(total);
            bar?.update(done, { label });
          });
        } finally {
          bar?.stop();
        }
        let plugin;
        if (plugins.length > 0) {
          const { runPluginBenchPart } = await import("../check/bench-plugins.ts");
          const { writes, rounds, passMs, seed, workloads } = report.settings;
          plugin = await runPluginBenchPart(plugins, report.settings.topologies.map((t) => loadTopology(t)), { writes, rounds, passMs, seed, workloads });
        }
        if (flags.json === true) printJson("bench", plugin === undefined ? report : { ...report, plugins: plugin });
        else process.stdout.write(formatReport(report) + (plugin === undefined ? "" : (await import("../check/bench-plugins.ts")).formatPluginBench(plugin)));
      }),
    );
}
