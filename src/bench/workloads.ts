/**
 * Benchmark workloads: seeded generators of pre-encoded ICC_SGI*R_EL1 writes (as `WriteBatch`es,
 * batch.ts) and their registry. The registry is open: `registerWorkload` adds a named
 * workload, `registerWorkloadFamily` a parameterised one (`linux:<profile>`, `replay:<trace>`).
 */
import { encodeSgiHiLo, SgiRegister } from "../arch/sgi-register.ts";
import { UsageError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";
import { linuxSgi1rWrites } from "../workload/linux-gicv3.ts";
import { createRng, type Rng } from "../workload/rng.ts";
import { type Workload, WriteBatchBuilder } from "./batch.ts";
import { LINUX_FAMILY_DESCRIPTION, linuxProfileWorkload } from "./linux-workload.ts";
import { replayWorkload } from "./replay-workload.ts";


/**
 * The INTID of a generated IPI: Linux's mix seen in real traces (SPEC §4) — mostly 1 (call
 * function), then 0 (reschedule), rarely the others of 0..7.
 */
function pickIntid(rng: Rng): number {
  const u = rng.below(100);
  return u < 85 ? 1 : u < 95 ? 0 : 2 + rng.below(6);
}

/** A random vCPU other than `sender` (the sender itself on a 1-vCPU VM). */
function otherThan(rng: Rng, n: number, sender: number): number {
  if (n === 1) return sender;
  const t = rng.below(n - 1);
  return t >= sender ? t + 1 : t;
}

/** The uint32 halves of a write naming `targets` (one cluster/RS group) with `intid`. */
function encodeGroup(affinityOfFirst: number, targetList: number, intid: number): { hi: number; lo: number } {
  const a = affinityOfFirst;
  return encodeSgiHiLo({ intid, aff3: a >>> 24, aff2: (a >>> 16) & 0xff, aff1: (a >>> 8) & 0xff, rs: (a & 0xff) >>> 4, targetList });
}

/** Unicast from `sender` to vCPU `target`. */
function pushUnicast(b: WriteBatchBuilder, t: Topology, sender: number, target: number, intid: number): void {
  const a = t.affinity[target]!;
  const { hi, lo } = encodeGroup(a, 1 << (a & 15), intid);
  b.push(hi, lo, sender);
}

/**
 * Target groups of a layout: vCPUs sharing Aff3.Aff2.Aff1 and RS (affinity >>> 4), the unit one
 * write can name. Ordered by their lowest vCPU id; each group lists its vCPUs by id.
 */
export function targetGroups(t: Topology): number[][] {
  const byKey = new Map<number, number[]>();
  for (let v = 0; v < t.count; v++) {
    const key = t.affinity[v]! >>> 4;
    let g = byKey.get(key);
    if (g === undefined) byKey.set(key, (g = []));
    g.push(v);
  }
  return [...byKey.values()];
}

function pushCluster(b: WriteBatchBuilder, t: Topology, groups: readonly (readonly number[])[], rng: Rng): void {
  const g = groups[rng.below(groups.length)]!;
  let tl = 0;
  for (const v of g) tl |= 1 << (t.affinity[v]! & 15);
  const { hi, lo } = encodeGroup(t.affinity[g[0]!]!, tl, pickIntid(rng));
  b.push(hi, lo, rng.below(t.count));
}

function pushBroadcast(b: WriteBatchBuilder, t: Topology, rng: Rng): void {
  const { hi, lo } = encodeSgiHiLo({ intid: pickIntid(rng), irm: 1 });
  b.push(hi, lo, rng.below(t.count));
}

/** The vCPUs of the group holding the highest vCPU id (the RFC's "last cluster"). */
export function lastClusterOf(t: Topology): number[] {
  const key = t.affinity[t.count - 1]! >>> 4;
  const out: number[] = [];
  for (let v = 0; v < t.count; v++) if (t.affinity[v]! >>> 4 === key) out.push(v);
  return out;
}

/**
 * A random Linux cpumask for one multi-cluster IPI: each vCPU but the sender with probability
 * 1/4 (at least one), in ascending order.
 */
export function randomCpumask(rng: Rng, n: number, sender: number): number[] {
  const mask: number[] = [];
  for (let v = 0; v < n; v++) if (v !== sender && (rng.next() & 3) === 0) mask.push(v);
  if (mask.length === 0) mask.push(otherThan(rng, n, sender));
  return mask;
}

/** The built-in workloads, in report order. */
export const BUILTIN_WORKLOADS: readonly Workload[] = [
  {
    name: "unicast-random",
    description: "one target, uniform over the vCPUs other than the (uniform) sender",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const b = new WriteBatchBuilder();
      for (let i = 0; i < writes; i++) {
        const sender = rng.below(t.count);
        pushUnicast(b, t, sender, otherThan(rng, t.count, sender), pickIntid(rng));
      }
      return b.build();
    },
  },
  {
    name: "unicast-last-cluster",
    description: "one target in the cluster of the highest vCPU id (the 2023 RFC's case), sender outside it when possible",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const last = lastClusterOf(t);
      const inLast = new Set(last);
      const outside: number[] = [];
      for (let v = 0; v < t.count; v++) if (!inLast.has(v)) outside.push(v);
      const b = new WriteBatchBuilder();
      for (let i = 0; i < writes; i++) {
        const target = last[rng.below(last.length)]!;
        const sender = outside.length > 0 ? outside[rng.below(outside.length)]! : otherThan(rng, t.count, target);
        pushUnicast(b, t, sender, target, pickIntid(rng));
      }
      return b.build();
    },
  },
  {
    name: "multicast-cluster",
    description: "every vCPU of one random cluster (16 on KVM's layout) in one write",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const groups = targetGroups(t);
      const b = new WriteBatchBuilder();
      for (let i = 0; i < writes; i++) pushCluster(b, t, groups, rng);
      return b.build();
    },
  },
  {
    name: "multicast-linux",
    description: "a random cpumask (each vCPU with p = 1/4) split as Linux's gic_ipi_send_mask does: one write per run of CPUs sharing a cluster",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const b = new WriteBatchBuilder();
      for (let ipi = 0; b.count < writes; ipi++) {
        const sender = rng.below(t.count);
        const intid = pickIntid(rng);
        for (const { hi, lo } of linuxSgi1rWrites(t, randomCpumask(rng, t.count, sender), intid)) b.push(hi, lo, sender, SgiRegister.SGI1R, ipi);
      }
      return b.build(writes);
    },
  },
  {
    name: "broadcast-irm",
    description: "IRM = 1 (all but self) from a random sender",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const b = new WriteBatchBuilder();
      for (let i = 0; i < writes; i++) pushBroadcast(b, t, rng);
      return b.build();
    },
  },
  {
    name: "mix",
    description: "95% unicast-random, 4% multicast-cluster, 1% broadcast-irm, interleaved",
    generate({ topology: t, writes, seed }) {
      const rng = createRng(seed);
      const groups = targetGroups(t);
      const b = new WriteBatchBuilder();
      for (let i = 0; i < writes; i++) {
        const u = rng.below(100);
        if (u < 95) {
          const sender = rng.below(t.count);
          pushUnicast(b, t, sender, otherThan(rng, t.count, sender), pickIntid(rng));
        } else if (u < 99) {
          pushCluster(b, t, groups, rng);
        } else {
          pushBroadcast(b, t, rng);
        }
      }
      return b.build();
    },
  },
];

const registry = new Map<string, Workload>(BUILTIN_WORKLOADS.map((w) => [w.name, w]));
const families = new Map<string, { readonly description: string; readonly resolve: (arg: string) => Workload }>([
  ["linux", { description: LINUX_FAMILY_DESCRIPTION, resolve: linuxProfileWorkload }],
  ["replay", { description: "the writes of a real trace file (QEMU log, ftrace ipi_raise, JSONL; .gz ok): replay:<path>", resolve: replayWorkload }],
]);

/** Adds (or replaces) a named workload. */
export function registerWorkload(workload: Workload): void {
  registry.set(workload.name, workload);
}

/**
 * Adds a parameterised workload family: `<prefix>:<arg>` resolves through `resolve(arg)`.
 * @example registerWorkloadFamily("linux", "a Linux guest profile", (p) => linuxProfileWorkload(p))
 */
export function registerWorkloadFamily(prefix: string, description: string, resolve: (arg: string) => Workload): void {
  families.set(prefix, { description, resolve });
}

/** Names of the registered workloads, then the families as `<prefix>:<…>`. */
export function workloadNames(): string[] {
  return [...registry.keys(), ...[...families.keys()].map((p) => `${p}:<…>`)];
}

/** The registered families, prefix → description. */
export function workloadFamilies(): ReadonlyMap<string, string> {
  return new Map([...families].map(([p, f]) => [p, f.description]));
}

/**
 * The workload called `name` (`mix`, or `<family>:<arg>`).
 * @throws UsageError for an unknown name.
 */
export function resolveWorkload(name: string): Workload {
  const w = registry.get(name);
  if (w !== undefined) return w;
  const colon = name.indexOf(":");
  if (colon > 0) {
    const family = families.get(name.slice(0, colon));
    if (family !== undefined) return family.resolve(name.slice(colon + 1));
  }
  throw new UsageError(`unknown workload "${name}" (expected any of ${workloadNames().join(", ")})`, name);
}
