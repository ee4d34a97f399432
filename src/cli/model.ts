/**
 * `vsgi model`: the cost of one whole vSGI (trap, decode, lookup, pending update, delivery) and
 * the lookup's share of it, per engine, VM size and workload — with the published figures it is
 * priced with, cited — and the VM size from which each algorithm's lookup matters.
 */
import type { Command } from "commander";
import { parseEngineList } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { MACHINE_NAMES, MACHINES } from "../model/costs.ts";
import { measureModel, type MeasuredRow } from "../model/measure.ts";
import { answerParagraph, DELIVERIES, type Delivery, MODEL_ENGINES, type ModelOutput, type ModelWorkload, runModel } from "../model/model.ts";
import { type TraceMix, traceMix } from "../model/trace.ts";
import { MAX_VCPUS } from "../topology/topology.ts";
import { intidMixByName } from "../workload/profile.ts";
import { getProfile } from "../workload/profiles.ts";
import { action, printJson } from "./contract.ts";
import { parseCount, parseIntList } from "./util.ts";

/** Default VM sizes: every power of two from 2 to 4096. */
export const MODEL_DEFAULT_VCPUS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const;
/** Default workloads: the maz/RFC micro-benchmark case and four Linux profiles. */
export const MODEL_DEFAULT_WORKLOADS = ["last-vcpu", "linux:hackbench", "linux:membarrier", "linux:membarrier-irm", "linux:tlb-shootdown-like"] as const;

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

/** A model workload by name: `last-vcpu` or `linux:<profile>`. */
export function modelWorkload(name: string): ModelWorkload {
  if (name === "last-vcpu") return { kind: "last-vcpu", name };
  if (name.startsWith("linux:")) return { kind: "profile", name, profile: getProfile(name.slice("linux:".length)) };
  throw new UsageError(`unknown model workload "${name}" (expected last-vcpu or linux:<profile>; use --trace for a real trace)`, name);
}

/** What `vsgi model --json` prints. */
export interface ModelReport extends ModelOutput {
  readonly question: string;
  readonly answer: string;
  readonly workloads: readonly { readonly name: string; readonly description: string; readonly source: string; readonly ipiMix?: Record<string, number>; readonly unicastShare?: number }[];
  readonly traces: readonly { readonly trace: string; readonly vcpus: number; readonly writes: number; readonly stats: TraceMix["stats"] }[];
  readonly rows: readonly (ModelOutput["rows"][number] | MeasuredRow)[];
}

/** Runs the model for command-line flags (exported for tests). */
export async function modelReport(f: ModelFlags): Promise<ModelReport> {
  const vcpus = f.vcpus === undefined ? [...MODEL_DEFAULT_VCPUS] : parseIntList(f.vcpus, "--vcpus", MAX_VCPUS);
  const layout = f.layout ?? "kvm";
  if (layout !== "kvm" && layout !== "sparse") throw new UsageError(`--layout: "${layout}" must be kvm or sparse`, layout);
  const machine = MACHINES[f.machine ?? "kunpeng-920"];
  if (machine === undefined) throw new UsageError(`--machine: unknown machine "${String(f.machine)}" (expected any of ${MACHINE_NAMES.join(", ")})`, f.machine);
  const deliveries = f.delivery === undefined ? [...DELIVERIES] : list(f.delivery, "--delivery");
  for (const d of deliveries) if (!(DELIVERIES as readonly string[]).includes(d)) throw new UsageError(`--delivery: unknown delivery "${d}" (expected ${DELIVERIES.join(", ")})`, d);
  const workloads = (f.workloads === undefined ? [...MODEL_DEFAULT_WORKLOADS] : list(f.workloads, "--workloads")).map(modelWorkload);
  const traces: TraceMix[] = [];
  for (const path of f.trace ?? []) traces.push(await traceMix(path, f.lenient === true ? { lenient: true } : {}));
  const all = [...workloads, ...traces.map((t) => t.workload)];
  const out = runModel({
    vcpus,
    layout,
    workloads: all,
    engines: f.engines === undefined ? MODEL_ENGINES : parseEngineList(f.engines),
    deliveries: deliveries as Delivery[],
    machine,
    ...(f.resident !== undefined ? { resident: fraction(f.resident, "--resident") } : {}),
    ...(f.threshold !== undefined ? { threshold: fraction(f.threshold, "--threshold") } : {}),
    ...(f.writes !== undefined ? { writes: parseCount(f.writes, "--writes", 1 << 20) } : {}),
  });
  const rows = f.measure === true ? await measureModel(out, all) : out.rows;
  return {
    question: "What share of a whole virtual SGI is the dispatch lookup, and from what VM size does the lookup algorithm matter?",
    answer: answerParagraph(out),
    ...out,
    rows,
    workloads: all.map((w) =>
      w.kind === "profile"
        ? { name: w.name, description: w.profile.description, source: w.profile.source, ipiMix: intidMixByName(w.profile), unicastShare: w.profile.unicastShare }
        : { name: w.name, description: "every write from vCPU 0 to the last vCPU (the kvm-unit-tests ipi case of the MPIDR-index cover letter and the RFC)", source: "synthetic" },
    ),
    traces: traces.map((t) => ({ trace: t.trace, vcpus: t.vcpus, writes: t.writes, stats: t.stats })),
  };
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
}

/** The readable form of a report. */
export function formatModel(r: ModelReport): string {
  const m = r.machine;
  const lines: string[] = [r.question, "", `machine ${m.name}: ${m.description}`, `  ${r.formula}`];
  for (const [label, term] of [
    ["trap/exit", m.trapExit],
    ["decode", m.decode],
    ["per visit", m.perVisit],
    ["pending update", m.pendingUpdate],
    ["kick + entry", m.kickAndEntry],
    ["direct vSGI", m.directSgi],
  ] as const) {
    lines.push(`  ${label.padEnd(15)} ${term.ns.toFixed(1).padStart(7)} ns  ${term.how} [${term.sources.join(", ")}]`);
  }
  lines.push(`  GICv4.1 resident share ${String(r.resident)}; threshold ${pct(r.threshold)}; ${r.layout} layout; ${String(r.writesPerCell)} seeded writes per cell`);
  const sizes = [...new Set(r.rows.map((x) => x.vcpus))].sort((a, b) => a - b);
  const engines = [...new Set(r.rows.map((x) => x.engine))];
  for (const delivery of [...new Set(r.rows.map((x) => x.delivery))]) {
    for (const workload of [...new Set(r.rows.map((x) => x.workload))]) {
      lines.push("", `lookup share of a vSGI — ${workload}, ${delivery}`);
      lines.push(`  ${"engine".padEnd(16)}${sizes.map((n) => String(n).padStart(7)).join("")}  break-even`);
      for (const e of engines) {
        const cells = sizes.map((n) => {
          const row = r.rows.find((x) => x.workload === workload && x.delivery === delivery && x.engine === e && x.vcpus === n);
          return (row === undefined ? "" : row.unsupported !== undefined ? "unsup" : pct(row.lookupShare)).padStart(7);
        });
        const be = r.breakEven.find((b) => b.workload === workload && b.delivery === delivery && b.engine === e);
        lines.push(`  ${e.padEnd(16)}${cells.join("")}  ${be?.vcpus === null || be === undefined ? "never" : `${String(be.vcpus)} vCPUs`}`);
      }
    }
  }
  if (r.traces.length > 0) {
    lines.push("", "real traces fitted:");
    for (const t of r.traces) lines.push(`  ${t.trace}: ${String(t.vcpus)} vCPUs, ${String(t.writes)} writes, unicast ${pct(t.stats.unicastShare)}, INTIDs ${JSON.stringify(t.stats.byIntid)}, IRM ${String(t.stats.irm)}`);
  }
  lines.push("", "answer:", `  ${r.answer}`, "", "sources:");
  for (const c of r.citations) lines.push(`  [${c.id}] ${c.text}`);
  return `${lines.join("\n")}\n`;
}

export function registerModel(program: Command): void {
  program
    .command("model")
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
    .option("--lenient", "skip malformed trace lines (counted) instead of failing")
    .option("--json", "print one JSON object")
    .action(
      action(async (flags: ModelFlags) => {
        const report = await modelReport(flags);
        if (flags.json === true) printJson("model", report);
        else process.stdout.write(formatModel(report));
      }),
    );
}
