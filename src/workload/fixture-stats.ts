/**
 * SGI write statistics of the real Linux 6.1 guest traces in fixtures/shared (QEMU 7.2 TCG,
 * `virt`, GICv3, 4 vCPUs; see that folder's README), counted once at grep level and kept here
 * so named profiles do not need the traces at run time:
 * - whole files: `zcat <log> | grep -c gicv3_icc_generate_sgi`, `grep -o 'SGI [0-9]* '`,
 *   `grep -o 'targetlist 0x[0-9a-f]*'` (popcount of each list);
 * - per workload: the same counts between the `@@M <workload> BEGIN` and `END` console markers,
 *   whose bytes are in the same log as `pl011_write addr 0x0` lines.
 * `vsgi replay --json` of the same files must report the same whole-file figures (tested).
 */
import type { MixStats } from "./stats.ts";

/** One counted segment of a fixture. */
export interface FixtureSegment {
  /** Fixture file name in fixtures/shared. */
  readonly file: string;
  /** Workload marker name, or `(whole file)`. */
  readonly segment: string;
  readonly vcpus: number;
  readonly deliveries: number;
  readonly stats: MixStats;
}

const LOG_A = "qemu-virt-4vcpu-linux6.1.log.gz";
const LOG_B = "qemu-virt-4vcpu-linux6.1-hotplug-membarrier.log.gz";

function seg(file: string, segment: string, deliveries: number, writes: number, byIntid: Record<string, number>, targetsPerWrite: Record<string, number>): FixtureSegment {
  return { file, segment, vcpus: 4, deliveries, stats: { writes, unicastShare: (targetsPerWrite["1"] ?? 0) / writes, targetsPerWrite, byIntid, irm: 0 } };
}

/** Counted segments of the bundled fixtures (IRM was 0 in every one). */
export const FIXTURE_SEGMENTS: readonly FixtureSegment[] = [
  seg(LOG_A, "(whole file)", 29997, 29970, { 0: 259, 1: 29711 }, { 1: 29956, 2: 1, 3: 13 }),
  seg(LOG_A, "boot", 863, 836, { 0: 89, 1: 747 }, { 1: 822, 2: 1, 3: 13 }),
  seg(LOG_A, "idle", 17, 17, { 0: 4, 1: 13 }, { 1: 17 }),
  seg(LOG_A, "hackbench_proc", 29058, 29058, { 0: 154, 1: 28904 }, { 1: 29058 }),
  seg(LOG_B, "(whole file)", 1810, 1688, { 0: 229, 1: 1458, 2: 1 }, { 1: 1605, 2: 44, 3: 39 }),
  seg(LOG_B, "boot", 826, 798, { 0: 123, 1: 675 }, { 1: 784, 3: 14 }),
  seg(LOG_B, "idle", 23, 23, { 0: 4, 1: 19 }, { 1: 23 }),
  seg(LOG_B, "sng_membarrier", 259, 233, { 0: 13, 1: 220 }, { 1: 214, 2: 12, 3: 7 }),
  seg(LOG_B, "hotplug", 141, 141, { 0: 28, 1: 113 }, { 1: 141 }),
  seg(LOG_B, "kt_membarrier", 283, 233, { 0: 11, 1: 222 }, { 1: 192, 2: 32, 3: 9 }),
];

/** The sum of several segments' statistics. */
export function mergeStats(parts: readonly MixStats[]): MixStats {
  const targetsPerWrite: Record<string, number> = {};
  const byIntid: Record<string, number> = {};
  let writes = 0;
  let irm = 0;
  for (const p of parts) {
    writes += p.writes;
    irm += p.irm;
    for (const [k, v] of Object.entries(p.targetsPerWrite)) targetsPerWrite[k] = (targetsPerWrite[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.byIntid)) byIntid[k] = (byIntid[k] ?? 0) + v;
  }
  return { writes, unicastShare: writes === 0 ? 0 : (targetsPerWrite["1"] ?? 0) / writes, targetsPerWrite, byIntid, irm };
}

/** The statistics of the named segments of the fixtures (all files when `file` is omitted). */
export function fixtureStats(segment: string, file?: string): MixStats {
  const parts = FIXTURE_SEGMENTS.filter((s) => s.segment === segment && (file === undefined || s.file === file));
  if (parts.length === 0) throw new RangeError(`no fixture segment "${segment}"`);
  return mergeStats(parts.map((p) => p.stats));
}
