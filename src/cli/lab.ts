/** `vsgi lab`: the main job — benchmark sweep, real-trace replay, cost model, HTML report. */
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { type LabProgress, runLab } from "../lab/run.ts";
import { labSummary } from "../lab/summary.ts";
import { ENGINE_NAMES } from "../engines/registry.ts";
import { action, printJson } from "./contract.ts";
import { engineFileOption, useEngineFiles } from "./engine-option.ts";

/** A progress reporter on stderr: a bar on a terminal, one line per phase otherwise. */
function progressReporter(): { update: (p: LabProgress) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: "{phase} [{bar}] {value}/{total} {label}", hideCursor: true, clearOnComplete: true, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  let phase = "";
  let started = false;
  return {
    update: (p) => {
      if (tty) {
        if (!started) {
          bar.start(p.total, p.done, { phase: p.phase.padEnd(6), label: p.label });
          started = true;
        } else {
          bar.setTotal(p.total);
          bar.update(p.done, { phase: p.phase.padEnd(6), label: p.label });
        }
      } else if (p.phase !== phase) {
        process.stderr.write(`lab: ${p.phase}…\n`);
      }
      phase = p.phase;
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** Registers `vsgi lab` on the program. */
export function registerLab(program: Command): void {
  engineFileOption(program.command("lab"))
    .description("the main job: run the benchmark sweep, replay the bundled real traces, run the cost model and write an HTML report")
    .option("--out <dir>", "output folder for index.html and results.json", "report")
    .option("--quick", "quick sweep (fewer sizes, shorter timing; about a minute on 2 cores)")
    .option("--trace <file...>", "also replay these traces")
    .option("--json", "print results.json on stdout instead of the summary")
    .action(
      action(async (opts: { out: string; quick?: boolean; trace?: string[]; json?: boolean; engine?: string[] }) => {
        const plugins = await useEngineFiles(opts);
        const js = plugins.filter((p) => p.kind !== "c");
        // TS/JS plugins are timed in the bench's cell workers beside the built-ins (C ones natively by vsgi bench --engine).
        const bench = js.length > 0 ? { engines: [...ENGINE_NAMES, ...js.map((p) => p.name)], workerSetup: (await import("../check/worker-setup.ts")).pluginWorkerSetup(js.map((p) => p.file)) } : undefined;
        const progress = progressReporter();
        try {
          const outcome = await runLab(
            { out: opts.out, quick: opts.quick === true, traces: opts.trace ?? [], plugins: plugins.map((p) => ({ name: p.name, file: p.file, kind: p.kind })), ...(bench !== undefined ? { bench } : {}) },
            progress.update,
          );
          progress.stop();
          if (opts.json === true) printJson("lab", outcome.results);
          else process.stdout.write(labSummary(outcome));
        } finally {
          progress.stop();
        }
      }),
    );
}
