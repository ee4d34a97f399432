/**
 * Named Linux-guest profiles. The fitted ones come from workload segments of the real 4-vCPU
 * Linux 6.1 traces (fixture-stats.ts); the others are labelled synthetic and say what they
 * stand for. Bench workloads are `linux:<name>`.
 */
import { UsageError } from "../errors.ts";
import { fixtureStats, mergeStats } from "./fixture-stats.ts";
import { fitProfile, type LinuxIpiProfile } from "./profile.ts";

const FIXTURES = "fixtures/shared (Linux 6.1 guest, QEMU 7.2 TCG, 4 vCPUs)";

function fitted(name: string, segments: readonly string[], description: string): LinuxIpiProfile {
  const stats = mergeStats(segments.map((s) => fixtureStats(s)));
  return { ...fitProfile(name, stats, 4, `${FIXTURES}, segment ${segments.join(" + ")}`), description };
}

const membarrier = fitted(
  "membarrier",
  ["sng_membarrier", "kt_membarrier"],
  "membarrier(2) expedited commands (stress-ng and a test program): 87% unicast, the rest to 2 or all 3 peers",
);

/** Every named profile by name. */
export const PROFILES = {
  idle: fitted("idle", ["idle"], "an idle guest: timer and scheduler housekeeping, all unicast"),
  boot: fitted("boot", ["boot"], "kernel boot to the first shell: mostly unicast, ~1.7% all-but-self function calls"),
  hackbench: fitted("hackbench", ["hackbench_proc"], "hackbench (processes): wake-ups across CPUs, 99.5% INTID 1, all unicast"),
  membarrier,
  hotplug: fitted("hotplug", ["hotplug"], "CPU hot-unplug and plug: all unicast, more reschedule IPIs"),
  "tlb-shootdown-like": {
    name: "tlb-shootdown-like",
    description:
      "synthetic: call-function multicasts to 1/8–1/2 of the CPUs, as an x86-style TLB shootdown sends (arm64 Linux flushes with broadcast TLBI and sends no IPI for it)",
    source: "synthetic",
    intids: { 1: 1 },
    unicastShare: 0.2,
    multicast: [
      { fraction: 0.125, weight: 1 },
      { fraction: 0.25, weight: 2 },
      { fraction: 0.5, weight: 1 },
    ],
    irmAllButSelf: 0,
  },
  "membarrier-irm": {
    ...membarrier,
    name: "membarrier-irm",
    description:
      "membarrier with every all-but-self IPI sent as one IRM = 1 write, as proposed by Jingyi Wang (2021, lore 20210329085210.11524-2-wangjingyi11@huawei.com) and Yu Zhao (2024, lore 20241107202033.2721681-4-yuzhao@google.com)",
    source: `${membarrier.source}, all-but-self as IRM = 1`,
    irmAllButSelf: 1,
  },
  "broadcast-heavy": {
    name: "broadcast-heavy",
    description: "synthetic: every IPI all-but-self as IRM = 1 (the worst case for an O(n) broadcast path)",
    source: "synthetic",
    intids: { 1: 1 },
    unicastShare: 0,
    multicast: [{ fraction: 1, weight: 1 }],
    irmAllButSelf: 1,
  },
} as const satisfies Record<string, LinuxIpiProfile>;

export type ProfileName = keyof typeof PROFILES;
/** Names of the named profiles, in report order. */
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** A named profile, or a UsageError listing the names. */
export function getProfile(name: string): LinuxIpiProfile {
  const p = (PROFILES as Record<string, LinuxIpiProfile>)[name];
  if (p === undefined) throw new UsageError(`unknown Linux workload profile "${name}" (expected one of ${PROFILE_NAMES.join(", ")})`, name);
  return p;
}
