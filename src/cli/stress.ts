/**
 * `vsgi stress`: concurrent injection on worker threads over one shared SGI state, proving no
 * SGI is lost or invented; `--model` explores the protocol's interleavings instead.
 */
import type { Command } from "commander";
import { exploreAll, type ExplorationResult } from "../concurrent/interleavings.ts";
import { SCENARIOS } from "../concurrent/scenarios.ts";
import { runStress, type StressOptions, type StressResult } from "../concurrent/stress.ts";
import { ENGINE_NAMES, type EngineName, isEngineName } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { MAX_VCPUS } from "../topology/topology.ts";
import { action, checkFailed, printJson } from "./contract.ts";
import { parseCount, parseNonNegativeInt } from "./util.ts";

/** Options as commander hands them over (all text). */
export interface StressCliOptions {
  readonly workers: string;
  readonly writes: string;
  readonly vcpus: string;
  readonly topology?: string;
  readonly engine: string;
  readonly seed: string;
  readonly racy?: boolean;
}

/** Validates the command-line options into stress options (no thread started). */
export function parseStressOptions(o: StressCliOptions): StressOptions {
  const workers = parseNonNegativeInt(o.workers, "--workers", 64);
  if (workers < 2) throw new UsageError(`--workers: ${o.workers} is too few (one sender and one receiver at least)`, o.workers);
  const writes = parseCount(o.writes, "--writes", 1e10);
  const vcpus = parseCount(o.vcpus, "--vcpus", Number.MAX_SAFE_INTEGER);
  if (vcpus > MAX_VCPUS) throw new UsageError(`--vcpus: ${o.vcpus} is above the supported maximum of ${String(MAX_VCPUS)} vCPUs`, o.vcpus);
  if (vcpus < 2) throw new UsageError("--vcpus: at least 2 vCPUs are needed (a sender and a target)", o.vcpus);
  if (!isEngineName(o.engine)) throw new UsageError(`--engine: unknown engine "${o.engine}" (expected one of ${ENGINE_NAMES.join(", ")})`, o.engine);
  const seed = parseNonNegativeInt(o.seed, "--seed", 0xffff_ffff);
  return { workers, writes, topology: o.topology ?? `kvm:${String(vcpus)}`, engine: o.engine as EngineName, seed, racy: o.racy === true };
}

function formatStress(r: StressResult): string {
  const ok = r.lost === 0 && r.phantom === 0;
  return [
    `${r.racy ? "racy (non-atomic) " : ""}stress on ${r.topology} with engine ${r.engine}: ${String(r.senders)} senders, ${String(r.receivers)} receivers`,
    `  writes        ${String(r.writes)} (${String(r.unicast)} unicast, ${String(r.multicast)} multicast, ${String(r.broadcast)} IRM) in ${r.seconds.toFixed(3)} s = ${String(r.writesPerSecond)} writes/s`,
    `  sent          ${String(r.sent)} deliveries`,
    `  acknowledged  ${String(r.acknowledged)} (kicks ${String(r.kicks)})`,
    `  coalesced     ${String(r.coalesced)}`,
    `  lost          ${String(r.lost)}`,
    `  phantom       ${String(r.phantom)}`,
    ok ? "ok: every send was observed by an acknowledge after it (or coalesced into one), none invented" : "FAILED: SGIs were lost or invented",
  ].join("\n");
}

function formatModel(results: readonly ExplorationResult[]): string {
  const lines = ["interleaving exploration (every order of the protocol's steps):"];
  for (const r of results) {
    lines.push(`  ${r.variant.padEnd(6)} ${String(r.interleavings).padStart(8)} interleavings, ${String(r.violating).padStart(7)} violating  ${r.scenario}`);
  }
  return lines.join("\n");
}

/** Explores every scenario with both protocols; the atomic one must never violate. */
export function runModel(): { results: ExplorationResult[]; ok: boolean } {
  const results: ExplorationResult[] = [];
  for (const s of SCENARIOS) for (const v of ["atomic", "racy"] as const) results.push(exploreAll(s, v));
  const atomicOk = results.every((r) => r.variant !== "atomic" || r.violating === 0);
  const racyCaught = results.some((r) => r.variant === "racy" && r.violating > 0);
  return { results, ok: atomicOk && racyCaught };
}

export function registerStress(program: Command): void {
  program
    .command("stress")
    .description("inject SGIs from worker threads into one shared state and prove none is lost or invented")
    .option("--workers <n>", "worker threads: half send, half acknowledge", "8")
    .option("--writes <n>", "register writes in all (1e7 or 10000000)", "1e7")
    .option("--vcpus <n>", `vCPUs of the KVM default layout (2..${String(MAX_VCPUS)})`, "512")
    .option("--topology <spec>", "kvm:<n>, qemu:<n>, sparse:<n> or a JSON file, instead of kvm:<vcpus>")
    .option("--engine <name>", `dispatch engine: ${ENGINE_NAMES.join(", ")}`, "vsgi")
    .option("--seed <n>", "seed of the senders' write streams", "1")
    .option("--racy", "use the plain non-atomic state over shared memory, to see the check fail (it may not, by luck)")
    .option("--model", "instead of threads, explore every interleaving of the protocol's steps (atomic and racy)")
    .option("--json", "print one JSON object")
    .action(
      action(async (opts: StressCliOptions & { json?: boolean; model?: boolean }) => {
        if (opts.model === true) {
          const m = runModel();
          if (opts.json === true) printJson("stress", { ok: m.ok, results: m.results.map(({ first, ...r }) => ({ ...r, firstViolation: first })) });
          else process.stdout.write(`${formatModel(m.results)}\n${m.ok ? "ok: the atomic protocol never violates; the racy one is caught" : "FAILED"}\n`);
          if (!m.ok) checkFailed("the interleaving exploration failed: the atomic protocol violated, or the racy one was not caught");
          return;
        }
        const r = await runStress(parseStressOptions(opts));
        if (opts.json === true) printJson("stress", r);
        else process.stdout.write(`${formatStress(r)}\n`);
        if (r.lost > 0 || r.phantom > 0) checkFailed(`${String(r.lost)} SGIs lost, ${String(r.phantom)} invented`);
      }),
    );
}
