/** `vsgi capture`: record a real Linux arm64 guest's SGI traffic under QEMU TCG. */
import type { Command } from "commander";
import { UsageError } from "../errors.ts";
import { capture } from "../trace/capture/run.ts";
import { CAPTURE_WORKLOADS } from "../trace/capture/qemu-command.ts";
import { presetTopology } from "../topology/index.ts";
import { compareIntent } from "../trace/intent.ts";
import { hasMismatch, replayTrace } from "../trace/replay.ts";
import { formatIntent, formatReplay } from "./replay.ts";
import { action, checkFailed, printJson } from "./contract.ts";
import { parseNonNegativeInt } from "./util.ts";

export function registerCapture(program: Command): void {
  program
    .command("capture")
    .description(
      "boot a Linux arm64 guest under qemu-system-aarch64 (TCG, virt, GICv3) with the SGI trace events on, run workloads, write the QEMU log (gzip) and the guest console; installs Debian packages when root",
    )
    .requiredOption("--vcpus <n>", "guest vCPUs (1..64 is practical under TCG)")
    .requiredOption("--out <file>", "QEMU trace log to write, gzip'd (e.g. trace.log.gz); the console goes to <name>.console")
    .option("--workload <list>", `comma-separated, run in order: ${CAPTURE_WORKLOADS.join(", ")}`, "idle,hackbench,membarrier")
    .option("--seconds <s>", "seconds per workload", "2")
    .option("--ipi-raise", "also record the guest's own ipi_raise tracepoint (dumped as @@F lines in the console)")
    .option("--memory <MiB>", "guest memory", "1024")
    .option("--timeout <s>", "kill QEMU after this many seconds", "900")
    .option("--cache <dir>", "cache of packages, kernel and initramfs", ".cache/capture")
    .option("--no-install", "never run apt-get; say what to install instead")
    .option("--json", "print the result and the replay report as JSON")
    .action(
      action(
        async (opts: { vcpus: string; out: string; workload: string; seconds: string; ipiRaise?: boolean; memory: string; timeout: string; cache: string; install: boolean; json?: boolean }) => {
          const vcpus = parseNonNegativeInt(opts.vcpus, "--vcpus", 512);
          if (vcpus < 1) throw new UsageError("--vcpus must be at least 1", opts.vcpus);
          const workloads = opts.workload.split(",").map((w) => w.trim());
          for (const w of workloads) {
            if (!(CAPTURE_WORKLOADS as readonly string[]).includes(w)) throw new UsageError(`unknown workload "${w}" (expected ${CAPTURE_WORKLOADS.join(", ")})`, w);
          }
          const log = (s: string): void => {
            process.stderr.write(`${s}\n`);
          };
          const result = await capture({
            vcpus,
            workloads,
            seconds: parseNonNegativeInt(opts.seconds, "--seconds", 3600),
            out: opts.out,
            cacheDir: opts.cache,
            ipiRaise: opts.ipiRaise === true,
            memoryMiB: parseNonNegativeInt(opts.memory, "--memory", 65536),
            timeoutSeconds: parseNonNegativeInt(opts.timeout, "--timeout", 86400),
            install: opts.install,
            log,
          });
          const report = await replayTrace(result.out, { topology: `qemu:${String(vcpus)}` });
          const intent = opts.ipiRaise === true ? await compareIntent(result.out, result.console, presetTopology(`qemu:${String(vcpus)}`)) : undefined;
          if (opts.json === true) printJson("capture", { capture: result, replay: report, ...(intent !== undefined ? { intent } : {}) });
          else {
            log(`captured in ${result.seconds.toFixed(0)} s: ${result.out} and ${result.console} (${result.qemuVersion}; kernel ${result.kernel})`);
            process.stdout.write(`${formatReplay(report)}\n${intent !== undefined ? `${formatIntent(intent)}\n` : ""}`);
          }
          if (hasMismatch(report)) {
            checkFailed("the captured trace has mismatches");
          }
        },
      ),
    );
}
