/**
 * `runBench`: the benchmark behind `vsgi bench` and `vsgi lab`. For every topology × workload
 * it generates one seeded batch of encoded writes, resolves their true targets, then times every
 * engine and three floors on that batch in interleaved rounds (src/bench/timing.ts), in a fresh
 * worker thread per cell (src/bench/cell.ts), counts visits from the engines' return values, and
 * derives the ratios. The native anchor and the memory measurement follow. Timings are
 * reported, never asserted.
 */
import { arch, cpus, loadavg, platform } from "node:os";
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { type CellsOutcome, measureCells, ratio } from "./cells.ts";
import { evaluateGoals } from "./goals.ts";
import { measureMemory, type MemoryResult } from "./memory.ts";
import { buildNative, runNative } from "./native.ts";
import { type Settings, settle } from "./settings.ts";
import { stats } from "./timing.ts";
import type { BenchOptions, BenchProgress, BenchReport, NativeResult } from "./types.ts";

/** Counts steps for the progress callback, yielding to the event loop at each (so a bar can draw). */
class Steps {
  done = 0;
  readonly total: number;
  readonly onProgress: BenchProgress | undefined;

  constructor(total: number, onProgress: BenchProgress | undefined) {
    this.total = total;
    this.onProgress = onProgress;
  }

  readonly step = async (label: string): Promise<void> => {
    this.onProgress?.(this.done++, this.total, label);
    await new Promise((r) => setImmediate(r));
  };
}

/** Builds the C++ anchor and runs it on every topology's batches, beside the JS figures. */
async function runNativePart(s: Settings, cells: CellsOutcome, steps: Steps): Promise<Pick<BenchReport, "native" | "nativeStatus">> {
  await steps.step("native anchor: build");
  const build = buildNative();
  if (!build.ok) {
    steps.done += s.topologies.length;
    return { native: [], nativeStatus: { ran: false, reason: build.reason } };
  }
  const native: NativeResult[] = [];
  for (const topology of s.topologies) {
    await steps.step(`native anchor: ${topology.name}`);
    const cellsOf = cells.nativeCells.get(topology) ?? [];
    if (cellsOf.length === 0) continue;
    for (const sample of runNative(build.binary, topology, cellsOf, s.rounds, s.passMs)) {
      const st = stats(sample.ns);
      const count = cellsOf.find((c) => c.workload === sample.workload)?.batch.count ?? 1;
      const js =
        sample.algorithm === "floor"
          ? cells.floors.find((f) => f.kind === "floor" && f.workload === sample.workload && f.topology === topology.name)
          : cells.results.find((r) => r.engine === sample.algorithm && r.workload === sample.workload && r.topology === topology.name);
      const jsNs = js?.nsPerWrite ?? null;
      const jsVisits = js !== undefined && "visitsPerWrite" in js ? js.visitsPerWrite : null;
      const visitsPerWrite = sample.visits / count;
      native.push({
        algorithm: sample.algorithm,
        workload: sample.workload,
        topology: topology.name,
        vcpus: topology.count,
        nsPerWrite: st.median,
        spread: st.spread,
        visitsPerWrite,
        jsNsPerWrite: jsNs,
        jsOverNative: ratio(jsNs, st.median),
        visitsMatchJs: sample.algorithm === "floor" ? null : jsVisits === null ? null : Math.abs(jsVisits - visitsPerWrite) < 1e-9,
      });
    }
  }
  return { native, nativeStatus: { ran: true, compiler: build.compiler, flags: build.flags } };
}

/** Engine and state memory at `memoryVcpus` on every layout of the run that has such a preset. */
function measureMemoryPart(s: Settings): MemoryResult[] {
  const memory: MemoryResult[] = [];
  for (const layout of s.layouts) {
    let topology: Topology;
    try {
      topology = presetTopology(`${layout}:${String(s.memoryVcpus)}`);
    } catch {
      continue;
    }
    memory.push(...measureMemory(topology, s.engines));
  }
  return memory;
}

function machineInfo(): BenchReport["machine"] {
  return {
    node: process.version,
    v8: process.versions.v8,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    platform: platform(),
    arch: arch(),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

/**
 * Runs the benchmark.
 * @example const report = await runBench({ quick: true }); report.results.find((r) => r.engine === "vsgi")
 */
export async function runBench(options: BenchOptions = {}, onProgress?: BenchProgress): Promise<BenchReport> {
  const s = settle(options);
  const started = Date.now();
  const wantNative = s.native && s.engines.some((e) => e === "vsgi" || e === "kvm-linear");
  const steps = new Steps(s.topologies.length * s.workloads.length + (wantNative ? s.topologies.length + 1 : 0) + (s.memory ? 1 : 0), onProgress);
  const cells = await measureCells(s, steps.step);
  const { native, nativeStatus } = wantNative ? await runNativePart(s, cells, steps) : { native: [], nativeStatus: { ran: false, reason: "disabled (--no-native)" } };
  if (s.memory) await steps.step(`memory at ${String(s.memoryVcpus)} vCPUs`);
  const memory = s.memory ? measureMemoryPart(s) : [];
  onProgress?.(steps.total, steps.total, "done");
  const report: Omit<BenchReport, "goals"> = {
    machine: machineInfo(),
    settings: {
      quick: s.quick,
      rounds: s.rounds,
      writes: s.writes,
      passMs: s.passMs,
      seed: s.seed,
      isolate: s.isolate,
      topologies: s.topologies.map((t) => t.name),
      engines: s.engines,
      workloads: s.workloads.map((w) => w.name),
      seconds: (Date.now() - started) / 1000,
    },
    results: cells.results,
    floors: cells.floors,
    native,
    nativeStatus,
    memory,
    skipped: cells.skipped,
  };
  return { ...report, goals: evaluateGoals(report) };
}
