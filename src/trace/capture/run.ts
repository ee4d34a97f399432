/**
 * `vsgi capture`: boot a real Linux arm64 guest under QEMU TCG with the GICv3 trace events on,
 * run workloads in it, and keep QEMU's log (gzip) and the guest console.
 */
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { GICV2_MAX_CPUS } from "../../arch/gicd-sgir.ts";
import { checkOutputPath, writeAtomically } from "../safe-output.ts";
import { buildInitramfs, type CpioEntry } from "./cpio.ts";
import { CaptureError, ensureArm64Apt, ensureHostQemu, fetchGuestTree, fetchKernel, run } from "./debian.ts";
import { qemuCaptureArgs } from "./qemu-command.ts";
import { checkText } from "../../errors.ts";

/** The guest's /init, shipped with vsgi. */
export const INIT_SCRIPT = fileURLToPath(new URL("../../../scripts/capture/init.sh", import.meta.url));

/** Options of {@link capture}. */
export interface CaptureOptions {
  readonly vcpus: number;
  /** The board's GIC (default 3); 2 allows at most 8 vCPUs. */
  readonly gicVersion?: 2 | 3;
  /**
   * Boot this image (e.g. a bare-metal test such as kvm-unit-tests' arm/gic.flat, or vsgi's
   * scripts/capture/sgi-test) instead of the Debian Linux guest; no initramfs, no workloads.
   */
  readonly kernel?: string;
  /** Its command line (`-append`). */
  readonly append?: string;
  /** TCG threading (see `QemuCaptureSpec.tcgThreads`). */
  readonly tcgThreads?: "single" | "multi";
  readonly workloads: readonly string[];
  readonly seconds: number;
  /** QEMU log output, gzip'd (`trace.log.gz`). */
  readonly out: string;
  /** Where packages, the kernel and the initramfs are kept between runs. */
  readonly cacheDir: string;
  readonly ipiRaise: boolean;
  readonly memoryMiB: number;
  /** QEMU is killed after this many seconds. */
  readonly timeoutSeconds: number;
  /** Install missing Debian packages when root. */
  readonly install: boolean;
  readonly log: (s: string) => void;
}

/** What a capture produced. */
export interface CaptureResult {
  readonly out: string;
  readonly console: string;
  readonly qemuVersion: string;
  readonly kernel: string;
  readonly kernelPackage: string;
  readonly command: string[];
  readonly seconds: number;
  readonly packages: string[];
}

/** The console file kept beside a trace: `x.log.gz` → `x.console`. */
export function consolePathFor(out: string): string {
  checkText(out, "capture output path");
  return out.replace(/(\.log)?(\.gz)?$/, "") + ".console";
}

/** The initramfs members: the guest tree plus /init and the mount points it needs. */
export function initramfsEntries(guest: readonly CpioEntry[], init: Buffer): CpioEntry[] {
  const have = new Set(guest.map((e) => e.path));
  const extraDirs = ["dev", "proc", "sys", "tmp", "bin", "sbin", "usr", "usr/bin", "usr/sbin"].filter((d) => !have.has(d));
  // The kernel runs /init through its #! line, so /bin/sh must exist before busybox installs its applets.
  return [
    ...extraDirs.map((d): CpioEntry => ({ path: d, type: "dir", mode: 0o755 })),
    ...guest,
    { path: "bin/sh", type: "symlink", target: "busybox" },
    { path: "init", type: "file", mode: 0o755, data: init },
  ];
}

/** Runs one capture end to end. */
export async function capture(o: CaptureOptions): Promise<CaptureResult> {
  // The destination is checked before minutes of emulation, and only replaced when all went well.
  mkdirSync(dirname(resolve(o.out)), { recursive: true });
  checkOutputPath(o.out, o.kernel !== undefined ? [o.kernel] : []);
  const gicVersion = o.gicVersion ?? 3;
  if (gicVersion === 2 && o.vcpus > GICV2_MAX_CPUS) throw new CaptureError(`a GICv2 has at most ${String(GICV2_MAX_CPUS)} CPU interfaces; --vcpus ${String(o.vcpus)} needs --gic-version 3`);
  if (o.kernel !== undefined && !existsSync(o.kernel)) throw new CaptureError(`--kernel ${o.kernel}: no such file`);
  const qemu = ensureHostQemu(o.install, o.log);
  const qemuVersion = run(qemu, ["--version"]).split("\n")[0]!.trim();
  let kernel: { vmlinuz: string; version: string; package: string };
  let guestPackages: string[] = [];
  let initrd: string | undefined;
  if (o.kernel !== undefined) {
    kernel = { vmlinuz: resolve(o.kernel), version: basename(o.kernel), package: "(given with --kernel)" };
  } else {
    ensureArm64Apt(o.install, o.log);
    mkdirSync(o.cacheDir, { recursive: true });
    kernel = fetchKernel(o.cacheDir, o.log);
    const guest = fetchGuestTree(o.cacheDir, o.log);
    guestPackages = guest.packages;
    // One initramfs per run: two captures sharing a cache must not overwrite each other's.
    initrd = join(o.cacheDir, `initramfs-${String(process.pid)}.cpio.gz`);
    writeFileSync(initrd, buildInitramfs(initramfsEntries(guest.entries, readFileSync(INIT_SCRIPT))));
  }

  const out = resolve(o.out);
  mkdirSync(dirname(out), { recursive: true });
  const consoleFile = consolePathFor(out);
  const logFile = `${out}.tmp-${String(process.pid)}.log`;
  rmSync(consoleFile, { force: true });
  const args = qemuCaptureArgs({ vcpus: o.vcpus, gicVersion, tcgThreads: o.tcgThreads ?? "multi", ...(o.append !== undefined ? { append: o.append } : {}), memoryMiB: o.memoryMiB, kernel: kernel.vmlinuz, initrd, workloads: o.workloads, seconds: o.seconds, ipiRaise: o.ipiRaise, logFile, consoleFile });
  o.log(`booting ${kernel.version} on ${String(o.vcpus)} vCPUs under ${qemuVersion} …`);
  const t0 = Date.now();
  try {
    const code = await new Promise<number | null>((res, rej) => {
      const child = spawn(qemu, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString("utf8")).slice(-4000);
      });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        rej(new CaptureError(`QEMU did not finish within ${String(o.timeoutSeconds)} s (killed); console: ${consoleFile}`));
      }, o.timeoutSeconds * 1000);
      child.on("error", (e) => {
        clearTimeout(timer);
        rej(new CaptureError(`cannot start ${qemu}: ${e.message}`));
      });
      child.on("exit", (c) => {
        clearTimeout(timer);
        if (c !== 0 && stderr.trim() !== "") o.log(stderr.trim());
        res(c);
      });
    });
    const consoleText = existsSync(consoleFile) ? readFileSync(consoleFile, "utf8") : "";
    if (code !== 0) throw new CaptureError(`QEMU exited with ${String(code)}; console: ${consoleFile}`);
    // The Linux guest's /init prints the marker; a bare-metal image only has to power off cleanly.
    if (o.kernel === undefined && !consoleText.includes("@@M poweroff")) {
      throw new CaptureError(`the guest did not reach its poweroff marker; last console lines: ${consoleText.trim().split("\n").slice(-5).join(" | ")}`);
    }
    if (!existsSync(logFile) || statSync(logFile).size === 0) throw new CaptureError(`QEMU wrote no trace log (${logFile})`);
    await writeAtomically(out, [], (sink) => pipeline(createReadStream(logFile), createGzip({ level: 9 }), sink, { end: false }));
  } finally {
    rmSync(logFile, { force: true });
    if (initrd !== undefined) rmSync(initrd, { force: true });
  }
  return {
    out,
    console: consoleFile,
    qemuVersion,
    kernel: kernel.version,
    kernelPackage: kernel.package,
    command: [qemu, ...args.map((a) => (a === logFile ? "<log>" : a === consoleFile ? "file:<console>" : a.startsWith("file:") ? "file:<console>" : a))],
    seconds: (Date.now() - t0) / 1000,
    packages: guestPackages,
  };
}
