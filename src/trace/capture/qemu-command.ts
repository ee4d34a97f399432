/**
 * The QEMU command line of a capture: TCG with one host thread per vCPU, the `virt` board with a
 * GICv3 (so the guest writes ICC_SGI1R_EL1 and QEMU's cpuif logs each write and delivery), the
 * guest kernel and initramfs given directly, no reboot (the guest's poweroff ends QEMU).
 */

/** QEMU trace events a GICv3 capture enables: writes, deliveries, and console bytes (workload markers). */
export const CAPTURE_TRACE_EVENTS = ["gicv3_icc_generate_sgi", "gicv3_redist_send_sgi", "pl011_write"] as const;
/**
 * QEMU trace events a GICv2 capture enables (QEMU's generic GIC model, hw/intc/arm_gic.c): distributor
 * writes (GICD_SGIR at 0xf00), CPU interface writes (they name the writing thread's CPU; EOIR at
 * 0x10), acknowledges, and console bytes.
 */
export const CAPTURE_TRACE_EVENTS_GICV2 = ["gic_dist_write", "gic_cpu_write", "gic_acknowledge_irq", "pl011_write"] as const;

/** What {@link qemuCaptureArgs} needs. */
export interface QemuCaptureSpec {
  readonly vcpus: number;
  /**
   * TCG threading: `multi` (default, one host thread per vCPU) or `single` (one thread runs every
   * vCPU in turn: far faster for 100+ vCPUs on a 2-core host, where spinning vCPU threads starve the
   * lock holders; every log line then has the same thread id, which the importers handle).
   */
  readonly tcgThreads?: "single" | "multi";
  /** The board's GIC: 3 (default) or 2 (at most 8 vCPUs). */
  readonly gicVersion?: 2 | 3;
  /** The kernel command line instead of the Linux guest's (a bare-metal image given with --kernel). */
  readonly append?: string;
  readonly memoryMiB: number;
  readonly kernel: string;
  /** The initramfs, or undefined for a bare-metal image. */
  readonly initrd: string | undefined;
  /** Guest workloads, run in order by the initramfs's /init. */
  readonly workloads: readonly string[];
  /** Seconds per workload. */
  readonly seconds: number;
  /** Dump the guest's own ipi_raise tracepoint to the console at the end. */
  readonly ipiRaise: boolean;
  /** QEMU's trace log file (-D). */
  readonly logFile: string;
  /** The guest console file (the PL011 UART). */
  readonly consoleFile: string;
}

/** Workloads the capture guest's /init knows (scripts/capture/init.sh). */
export const CAPTURE_WORKLOADS = ["idle", "hackbench", "hackbench-threads", "membarrier", "futex", "pipe", "yield", "mprotect", "hotplug"] as const;

/** The kernel command line: quiet console on the PL011, and the /init parameters. */
export function guestCommandLine(spec: Pick<QemuCaptureSpec, "workloads" | "seconds" | "ipiRaise">): string {
  return `console=ttyAMA0 quiet loglevel=3 panic=-1 wl=${spec.workloads.join(",")} t=${String(spec.seconds)} ipi=${spec.ipiRaise ? "1" : "0"}`;
}

/** The arguments of `qemu-system-aarch64` for a capture (no shell quoting needed: an argv). */
export function qemuCaptureArgs(spec: QemuCaptureSpec): string[] {
  return [
    "-M",
    `virt,gic-version=${String(spec.gicVersion ?? 3)}`,
    "-cpu",
    "cortex-a57",
    "-accel",
    `tcg,thread=${spec.tcgThreads ?? "multi"}`,
    "-smp",
    String(spec.vcpus),
    "-m",
    String(spec.memoryMiB),
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    `file:${spec.consoleFile}`,
    // No network: the default NIC's option ROM is not installed with qemu-system-arm alone.
    "-nic",
    "none",
    "-no-reboot",
    "-kernel",
    spec.kernel,
    ...(spec.initrd !== undefined ? ["-initrd", spec.initrd] : []),
    ...(spec.append !== undefined ? ["-append", spec.append] : spec.initrd !== undefined ? ["-append", guestCommandLine(spec)] : []),
    // The log backend prints the `<tid>@<sec>.<usec>:` prefix only with timestamps on.
    "-msg",
    "timestamp=on",
    "-D",
    spec.logFile,
    ...(spec.gicVersion === 2 ? CAPTURE_TRACE_EVENTS_GICV2 : CAPTURE_TRACE_EVENTS).flatMap((e) => ["-trace", e]),
  ];
}
