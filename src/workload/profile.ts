/**
 * Linux-guest IPI workload profiles and the stream generator built on them. A profile says
 * which IPIs a guest sends (INTID mix), to how many CPUs (unicast, or a multicast covering a
 * fraction of the other CPUs) and whether all-but-self IPIs go out as one IRM = 1 write (as the
 * 2021 and 2024 patches proposed; stock Linux never sets IRM). The generator draws IPIs from a
 * seed and turns each cpumask into the writes Linux's GICv3 driver makes (linux-gicv3.ts).
 */
import { encodeSgiHiLo } from "../arch/sgi-register.ts";
import { UsageError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import { linuxSgi1rWrites } from "./linux-gicv3.ts";
import { SeededRandom } from "./rng.ts";
import type { Histogram, MixStats, WriteStream } from "./stats.ts";

/**
 * Linux arm64 IPI numbers up to 6.6 (SGI INTID = IPI number) with the names the guest prints in
 * /proc/interrupts and in the `ipi_raise` tracepoint (the fixture consoles list the same seven).
 * 6.7 dropped wake-up and added backtrace (6) and kgdb roundup (7).
 */
export const LINUX_ARM64_IPI_NAMES: Readonly<Record<string, string>> = {
  0: "Rescheduling interrupts",
  1: "Function call interrupts",
  2: "CPU stop interrupts",
  3: "CPU stop (for crash dump) interrupts",
  4: "Timer broadcast interrupts",
  5: "IRQ work interrupts",
  6: "CPU wake-up interrupts",
};

/** A profile's INTID mix as shares keyed by the Linux IPI name (`SGI <n>` when unnamed). */
export function intidMixByName(profile: LinuxIpiProfile): Record<string, number> {
  let total = 0;
  for (const v of Object.values(profile.intids)) total += v;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(profile.intids)) out[LINUX_ARM64_IPI_NAMES[k] ?? `SGI ${k}`] = total === 0 ? 0 : v / total;
  return out;
}

/** One multicast size: `fraction` of the sender's n − 1 peers, drawn with relative `weight`. */
export interface MulticastSize {
  readonly fraction: number;
  readonly weight: number;
}

/** What a Linux guest sends, independent of VM size. */
export interface LinuxIpiProfile {
  readonly name: string;
  readonly description: string;
  /** Where the figures come from (a fixture and segment, a fitted trace, or "synthetic"). */
  readonly source: string;
  /** Relative weight of each INTID (Linux arm64 IPI numbers: 0 reschedule, 1 call function, …). */
  readonly intids: Histogram;
  /** Share (0..1) of IPIs that target one CPU. */
  readonly unicastShare: number;
  /** Sizes of the other IPIs; a size covering every peer (fraction 1) is "all but self". */
  readonly multicast: readonly MulticastSize[];
  /** Probability (0..1) that an all-but-self IPI is one IRM = 1 write (patched guests). */
  readonly irmAllButSelf: number;
}

/** A generated write stream and what produced it. */
export interface GeneratedStream extends WriteStream {
  /** IPIs (cpumasks) drawn; each became one write per cluster run (or one IRM write). */
  readonly ipis: number;
  /** Multicast IPIs by the number of writes they took. */
  readonly clustersPerMulticast: Histogram;
  /** The IPI (0-based draw) each write belongs to. */
  readonly ipi: Uint32Array;
}

/** Targets of a multicast of `fraction` of the n − 1 peers: at least 2, at most n − 1. */
export function multicastTargets(fraction: number, vcpus: number): number {
  return Math.max(2, Math.min(vcpus - 1, Math.round(fraction * (vcpus - 1))));
}

/**
 * Draws IPIs from `profile` on `topology` until `writes` writes exist (the last IPI's writes are
 * cut there). Senders are uniform over the vCPUs and targets uniform over the other vCPUs, as the
 * guest scheduler does not see the MPIDR clusters.
 * @example generateLinuxStream(presetTopology("kvm:64"), PROFILES.hackbench, 1000, 1).hi.length // 1000
 */
export function generateLinuxStream(topology: Topology, profile: LinuxIpiProfile, writes: number, seed: number): GeneratedStream {
  const n = topology.count;
  if (n < 2) throw new UsageError(`workload linux:${profile.name} needs at least 2 vCPUs to send IPIs; topology ${topology.name} has ${String(n)}`);
  const rng = new SeededRandom(seed);
  const intidKeys = Object.keys(profile.intids).map(Number);
  const intidWeights = intidKeys.map((k) => profile.intids[String(k)] ?? 0);
  const sizeWeights = [profile.unicastShare, ...profile.multicast.map((m) => m.weight * (1 - profile.unicastShare))];
  const multiTotal = profile.multicast.reduce((s, m) => s + m.weight, 0);
  if (multiTotal > 0) for (let i = 1; i < sizeWeights.length; i++) sizeWeights[i] = sizeWeights[i]! / multiTotal;
  const hi = new Uint32Array(writes);
  const lo = new Uint32Array(writes);
  const senders = new Uint32Array(writes);
  const ipi = new Uint32Array(writes);
  const clusters: Record<string, number> = {};
  const peers = new Uint32Array(n - 1);
  let out = 0;
  let ipis = 0;
  while (out < writes) {
    const intid = intidKeys[rng.pick(intidWeights)]!;
    const sizeIndex = rng.pick(sizeWeights);
    const k = sizeIndex === 0 ? 1 : multicastTargets(profile.multicast[sizeIndex - 1]!.fraction, n);
    const sender = rng.int(n);
    ipis++;
    let list;
    if (k === n - 1 && k > 1 && rng.next() < profile.irmAllButSelf) {
      list = [encodeSgiHiLo({ intid, irm: 1 })];
    } else {
      // Partial Fisher–Yates over the sender's peers: k distinct uniform targets.
      for (let i = 0, p = 0; i < n; i++) if (i !== sender) peers[p++] = i;
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(n - 1 - i);
        const t = peers[i]!;
        peers[i] = peers[j]!;
        peers[j] = t;
      }
      list = linuxSgi1rWrites(topology, peers.subarray(0, k), intid);
    }
    if (k > 1) clusters[String(list.length)] = (clusters[String(list.length)] ?? 0) + 1;
    for (const w of list) {
      if (out === writes) break;
      hi[out] = w.hi;
      lo[out] = w.lo;
      senders[out] = sender;
      ipi[out] = ipis - 1;
      out++;
    }
  }
  return { hi, lo, senders, ipis, clustersPerMulticast: clusters, ipi };
}

/**
 * Fits a profile to replayed statistics of a `vcpus`-vCPU trace: INTID weights from `byIntid`;
 * a write reaching k ≥ 2 vCPUs becomes a multicast of fraction k / (vcpus − 1); IRM writes make
 * all-but-self IPIs IRM with probability irm / (writes reaching vcpus − 1). Exact for traces of
 * one cluster (≤ 16 vCPUs), where every IPI is one write; on larger traces a multi-cluster IPI
 * counts as several smaller multicasts.
 */
export function fitProfile(name: string, stats: MixStats, vcpus: number, source: string): LinuxIpiProfile {
  if (stats.writes === 0) throw new UsageError(`cannot fit profile ${name}: the trace has no SGI writes`);
  if (vcpus < 2) throw new UsageError(`cannot fit profile ${name}: a ${String(vcpus)}-vCPU trace sends no IPIs to others`);
  let unicast = 0;
  let total = 0;
  let allButSelf = 0;
  const multicast: MulticastSize[] = [];
  for (const [key, count] of Object.entries(stats.targetsPerWrite)) {
    const k = Number(key);
    if (count <= 0 || k < 1) continue;
    total += count;
    if (k === 1) unicast += count;
    else multicast.push({ fraction: Math.min(1, k / (vcpus - 1)), weight: count });
    if (k === vcpus - 1) allButSelf += count;
  }
  if (total === 0) throw new UsageError(`cannot fit profile ${name}: no write in the trace reaches any vCPU`);
  multicast.sort((a, b) => a.fraction - b.fraction);
  return {
    name,
    description: `fitted from ${String(stats.writes)} writes of a ${String(vcpus)}-vCPU trace`,
    source,
    intids: { ...stats.byIntid },
    unicastShare: unicast / total,
    multicast,
    irmAllButSelf: allButSelf === 0 ? 0 : Math.min(1, stats.irm / allButSelf),
  };
}
