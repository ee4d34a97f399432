/** `vsgi model`: parses the flags into a model request (src/model/report.ts) and prints the report. */
import type { Command } from "commander";
import { engineNames, parseEngineList } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { MACHINE_NAMES } from "../model/costs.ts";
import { formatModel } from "../model/format.ts";
import { DELIVERIES } from "../model/model.ts";
import { MODEL_DEFAULT_VCPUS, MODEL_DEFAULT_WORKLOADS, type ModelRequest, modelReport } from "../model/report.ts";
import { MAX_VCPUS } from "../topology/topology.ts";
import { action, printJson } from "./contract.ts";
import { engineFileOption, useEngineFiles } from "./engine-option.ts";
import { parseCount, parseIntList, parsePageSize } from "./util.ts";

interface ModelFlags {
  vcpus?: string;
  layout?: string;
  workloads?: string;
  trace?: string[];
  engines?: string;
  machine?: string;
  delivery?: string;
  resident?: string;
  threshold?: string;
  writes?: string;
  measure?: boolean;
  lenient?: boolean;
  json?: boolean;
  pageSize?: string;
}

function list(text: string, flag: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new UsageError(`${flag}: "${text}" is not a comma-separated list`, text);
  return items;
}

function fraction(text: string, flag: string): number {
  const x = Number(text);
  if (!/^[0-9.]+$/.test(text.trim()) || !(x >= 0 && x <= 1)) throw new UsageError(`${flag}: "${text}" must be a number in 0..1`, text);
  return x;
}

/** The model request of `vsgi model`'s flags. */
function requestOf(f: ModelFlags): ModelRequest {
  return {
    ...(f.vcpus !== undefined ? { vcpus: parseIntList(f.vcpus, "--vcpus", MAX_VCPUS) } : {}),
    ...(f.layout !== undefined ? { layout: f.layout } : {}),
    ...(f.machine !== undefined ? { machine: f.machine } : {}),
    ...(f.delivery !== undefined ? { deliveries: list(f.delivery, "--delivery") } : {}),
    ...(f.workloads !== undefined ? { workloads: list(f.workloads, "--workloads") } : {}),
    ...(f.trace !== undefined ? { traces: f.trace } : {}),
    // Read at run time, not at import: --engine plugins are registered by then.
    engines: f.engines !== undefined ? parseEngineList(f.engines) : engineNames().filter((e) => e !== "reference"),
    ...(f.resident !== undefined ? { resident: fraction(f.resident, "--resident") } : {}),
    ...(f.threshold !== undefined ? { threshold: fraction(f.threshold, "--threshold") } : {}),
    ...(f.writes !== undefined ? { writes: parseCount(f.writes, "--writes", 1 << 20) } : {}),
    measure: f.measure === true,
    lenient: f.lenient === true,
    ...(f.pageSize !== undefined ? { pageSize: parsePageSize(f.pageSize) } : {}),
  };
}

export function registerModel(program: Command): void {
  engineFileOption(program.command("model"))
    .description("cost model of a whole vSGI: lookup share per engine, VM size and workload (Linux profiles, real traces), with cited published costs")
    .option("--vcpus <list>", `VM sizes (default ${MODEL_DEFAULT_VCPUS.join(",")})`)
    .option("--layout <kvm|sparse>", "MPIDR layout preset family", "kvm")
    .option("--workloads <list>", `last-vcpu and/or linux:<profile> (default ${MODEL_DEFAULT_WORKLOADS.join(",")})`)
    .option("--trace <files...>", "real traces (QEMU log, ftrace, JSONL) to fit a workload from, via vsgi replay")
    .option("--engines <list>", "engines (default all but the reference)")
    .option("--machine <name>", `published cost set: ${MACHINE_NAMES.join(", ")}`, "kunpeng-920")
    .option("--delivery <list>", `delivery back-ends: ${DELIVERIES.join(", ")}`)
    .option("--resident <0..1>", "GICv4.1: share of target vPEs resident (others take a doorbell)", "1")
    .option("--threshold <0..1>", "lookup share from which an algorithm matters", "0.05")
    .option("--writes <n>", "seeded writes per cell", "2000")
    .option("--measure", "also time every engine in JS with the bench harness and show the measured lookup share")
    .option("--page-size <size>", "host page size for KVM ≥ 6.7's index table: 4k (default), 16k or 64k")
    .option("--lenient", "skip malformed trace lines (counted) instead of failing")
    .option("--json", "print one JSON object")
    .action(
      action(async (flags: ModelFlags & { engine?: string[] }) => {
        await useEngineFiles(flags);
        const report = await modelReport(requestOf(flags));
        if (flags.json === true) printJson("model", report);
        else process.stdout.write(formatModel(report));
      }),
    );
}
