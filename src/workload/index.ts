/** Linux-guest workload model: the driver's cpumask split, profiles, generator and fitting. */
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { generateLinuxStream, type GeneratedStream } from "./profile.ts";
import { getProfile } from "./profiles.ts";

export { FIXTURE_SEGMENTS, type FixtureSegment, fixtureStats, mergeStats } from "./fixture-stats.ts";
export { type HiLo, linuxSgi1rWrites } from "./linux-gicv3.ts";
export {
  fitProfile,
  type GeneratedStream,
  generateLinuxStream,
  intidMixByName,
  LINUX_ARM64_IPI_NAMES,
  type LinuxIpiProfile,
  type MulticastSize,
  multicastTargets,
} from "./profile.ts";
export { getProfile, PROFILE_NAMES, PROFILES, type ProfileName } from "./profiles.ts";
export { SeededRandom } from "./rng.ts";
export { type Histogram, maxShareDifference, type MixStats, shares, streamStats, type WriteStream } from "./stats.ts";

/**
 * The bench workload `linux:<profile>`: `writes` writes drawn from the named profile with
 * `seed` (same seed → same writes).
 * @example linuxWorkload("linux:hackbench", presetTopology("kvm:512"), 4096, 1).senders.length // 4096
 */
export function linuxWorkload(name: string, topology: Topology | string, writes: number, seed: number): GeneratedStream {
  const profile = getProfile(name.startsWith("linux:") ? name.slice("linux:".length) : name);
  return generateLinuxStream(typeof topology === "string" ? presetTopology(topology) : topology, profile, writes, seed);
}
