/**
 * The bench workload family `linux:<profile>`: seeded writes of a named Linux-guest profile in
 * the shape the benchmark times (workloads.ts registers the family): the adapter from the
 * workload models (src/workload) to the bench.
 */
import { SgiRegister } from "../arch/sgi-register.ts";
import { generateLinuxStream } from "../workload/profile.ts";
import { getProfile, PROFILE_NAMES } from "../workload/profiles.ts";
import type { Workload, WriteBatch } from "./batch.ts";

/** What `linux:<…>` means, for `--help`. */
export const LINUX_FAMILY_DESCRIPTION = `a Linux guest profile fitted from real traces: linux:${PROFILE_NAMES.join(", linux:")}`;

/**
 * The workload `linux:<profileName>`.
 * @throws UsageError for an unknown profile.
 * @example linuxProfileWorkload("hackbench").generate({ topology, writes: 4096, seed: 1 })
 */
export function linuxProfileWorkload(profileName: string): Workload {
  const profile = getProfile(profileName);
  return {
    name: `linux:${profile.name}`,
    description: profile.description,
    unsupported: (t) => (t.count < 2 ? "a Linux guest sends IPIs only to other CPUs: needs at least 2 vCPUs" : undefined),
    generate: ({ topology, writes, seed }): WriteBatch => {
      const g = generateLinuxStream(topology, profile, writes, seed);
      return { hi: g.hi, lo: g.lo, sender: g.senders, register: new Uint8Array(writes).fill(SgiRegister.SGI1R), count: writes, ipi: g.ipi };
    },
  };
}
