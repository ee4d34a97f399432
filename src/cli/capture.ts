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
    .option("--gic-version <2|3>", "the board's GIC: 3 (ICC_SGI1R_EL1) or 2 (GICD_SGIR, at most 8 vCPUs)", "3")
    .option("--kernel <file>", "boot this image (e.g. a bare-metal GIC test; scripts/capture/sgi-test/build.sh makes one) instead of the Debian Linux guest; --workload, --seconds and --ipi-raise do not apply")
    .option("--append <args>", "the --kernel image's command line")
    .option("--tcg <threads>", "TCG threading: multi (one host thread per vCPU) or single (one thread for all; faster above ~64 vCPUs on few cores)", "multi")
    .option("--json", "print the result and the replay report as JSON")
    .action(
      action(
        async (opts: { vcpus: string; gicVersion: string; tcg: string; kernel?: string; append?: string; out: string; workload: string; seconds: string; ipiRaise?: boolean; memory: string; timeout: string; cache: string; install: boolean; json?: boolean }) => {
          const vcpus = parseNonNegativeInt(opts.vcpus, "--vcpus", 512);
          if (vcpus < 1) throw new UsageError("--vcpus must be at least 1", opts.vcpus);
          if (opts.gicVersion !== "2" && opts.gicVersion !== "3") throw new UsageError(`--gic-version must be 2 or 3, not "${opts.gicVersion}"`, opts.gicVersion);
          const gicVersion = opts.gicVersion === "2" ? 2 : 3;
          if (opts.tcg !== "single" && opts.tcg !== "multi") throw new UsageError(`--tcg must be single or multi, not "${opts.tcg}"`, opts.tcg);
          if (gicVersion === 2 && vcpus > 8) throw new UsageError(`--gic-version 2 allows at most 8 vCPUs (a GICv2 has 8 CPU interfaces), not ${String(vcpus)}`, opts.vcpus);
          if (opts.append !== undefined && opts.kernel === undefined) throw new UsageError("--append needs --kernel (the Linux guest's command line is vsgi's own)");
          const workloads = opts.workload.split(",").map((w) => w.trim());
          for (const w of workloads) {
            if (!(CAPTURE_WORKLOADS as readonly string[]).includes(w)) throw new UsageError(`unknown workload "${w}" (expected ${CAPTURE_WORKLOADS.join(", ")})`, w);
          }
          const log = (s: string): void => {
            process.stderr.write(`${s}\n`);
          };
          const result = await capture({
            vcpus,
            gicVersion,
            tcgThreads: opts.tcg,
            ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}),
            ...(opts.append !== undefined ? { append: opts.append } : {}),
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
          const intent = opts.ipiRaise === true && opts.kernel === undefined ? await compareIntent(result.out, result.console, presetTopology(`qemu:${String(vcpus)}`)) : undefined;
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
