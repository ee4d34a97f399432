/**
 * A VM's vCPU layout: vCPU id → MPIDR_EL1 affinity, validated once. Every engine and the
 * reference model read the layout from here (GIC spec IHI 0069 §4.2 "affinity routing";
 * Arm ARM MPIDR_EL1).
 */
import { formatAffinity, mpidrOfAffinity } from "../arch/mpidr.ts";
import { describeValue, TopologyError } from "../errors.ts";
import { escapeControl } from "../util/printable.ts";

/** Largest VM vsgi models (KVM's default layout reaches 4096 vCPUs before Aff2 is needed; KVM itself creates at most 512, so larger sizes are projections for its engines). */
export const MAX_VCPUS = 4096;

/** An immutable, validated vCPU layout. */
export class Topology {
  /** A name for reports: a preset (`kvm:512`) or a file name. */
  readonly name: string;
  /** Number of vCPUs; ids are 0..count-1. */
  readonly count: number;
  /** Whether the VM advertises Range Selector Support (ICC_CTLR_EL1.RSS): Aff0 may exceed 15. */
  readonly rss: boolean;
  /** Packed affinity (`Aff3:Aff2:Aff1:Aff0`) of each vCPU, indexed by vCPU id. */
  readonly affinity: Uint32Array;
  /**
   * Userspace mode (`"userspace": true`): MPIDRs as a VMM may write them through KVM_SET_ONE_REG —
   * duplicates and Aff0 > 15 without RSS are accepted (KVM accepts them; see `ambiguities`).
   */
  readonly userspace: boolean;
  /** Affinity → lowest vCPU with it. */
  readonly #byAffinity: Map<number, number>;
  readonly #shared: Map<number, number[]> = new Map();

  /**
   * Validates and wraps a list of packed affinities (index = vCPU id).
   * @throws TopologyError on an empty or oversized list, a duplicate affinity, or Aff0 > 15 without
   *   RSS (the last two are accepted in userspace mode).
   */
  constructor(name: string, affinities: ArrayLike<number>, rss: boolean, options: { readonly userspace?: boolean } = {}) {
    checkArguments(name, affinities, rss, options);
    if (affinities.length === 0) throw new TopologyError(`topology ${name}: the vCPU list is empty`, name);
    if (affinities.length > MAX_VCPUS) {
      throw new TopologyError(`topology ${name}: ${String(affinities.length)} vCPUs exceed the supported maximum of ${String(MAX_VCPUS)}`, name);
    }
    // Names come from files and are printed: no control character reaches a terminal.
    this.name = escapeControl(name);
    this.count = affinities.length;
    this.rss = rss;
    this.userspace = options.userspace === true;
    this.affinity = Uint32Array.from(affinities);
    this.#byAffinity = new Map();
    for (let v = 0; v < this.count; v++) {
      const a = this.affinity[v] ?? 0;
      if (!rss && !this.userspace && (a & 0xff) > 15) {
        throw new TopologyError(
          `topology ${name}: vCPU ${String(v)} has Aff0 = ${String(a & 0xff)} (${formatAffinity(a)}); Aff0 > 15 is only addressable with "rss": true`,
          formatAffinity(a),
          `mpidrs[${String(v)}]`,
        );
      }
      const prev = this.#byAffinity.get(a);
      if (prev !== undefined && this.userspace) {
        const shared = this.#shared.get(a) ?? [prev];
        shared.push(v);
        this.#shared.set(a, shared);
        continue;
      }
      if (prev !== undefined) {
        throw new TopologyError(
          `topology ${name}: vCPUs ${String(prev)} and ${String(v)} share affinity ${formatAffinity(a)}; affinities must be unique`,
          formatAffinity(a),
          `mpidrs[${String(v)}]`,
        );
      }
      this.#byAffinity.set(a, v);
    }
  }

  /** MPIDR_EL1 (affinity fields) of a vCPU. */
  mpidrOf(vcpu: number): bigint {
    return mpidrOfAffinity(this.affinity[vcpu] ?? 0);
  }

  /** The vCPU with this packed affinity (the lowest if several share it), or -1 (a slow-path lookup). */
  vcpuOf(affinity: number): number {
    return this.#byAffinity.get(affinity >>> 0) ?? -1;
  }

  /** Userspace mode: every affinity held by more than one vCPU, with those vCPUs in id order. */
  ambiguities(): { readonly affinity: number; readonly vcpus: readonly number[] }[] {
    return [...this.#shared].map(([affinity, vcpus]) => ({ affinity, vcpus })).sort((a, b) => a.vcpus[0]! - b.vcpus[0]!);
  }

  /** vCPUs with Aff0 > 15 on a VM without RSS (userspace mode): no targeted SGI can reach them. */
  unreachableByTargetList(): number[] {
    if (this.rss) return [];
    const out: number[] = [];
    for (let v = 0; v < this.count; v++) if ((this.affinity[v]! & 0xff) > 15) out.push(v);
    return out;
  }

  /** The largest Aff0 of any vCPU (≤ 15 without RSS, unless in userspace mode). */
  maxAff0(): number {
    let m = 0;
    for (const a of this.affinity) m = Math.max(m, a & 0xff);
    return m;
  }
}

/** A JavaScript caller is not held to the types: refuse what would fail later as a TypeError. */
function checkArguments(name: unknown, affinities: unknown, rss: unknown, options: unknown): void {
  if (typeof name !== "string") throw new TopologyError(`a topology name must be a string, got ${describeValue(name)}`, describeValue(name), "name");
  const list = affinities as { length?: unknown } | null | undefined;
  if (typeof list !== "object" || list === null || typeof list.length !== "number" || !Number.isInteger(list.length) || list.length < 0) {
    throw new TopologyError(`topology ${name}: the affinities must be an array of packed affinities, got ${describeValue(affinities)}`, describeValue(affinities), "affinities");
  }
  if (list.length <= MAX_VCPUS) {
    for (let v = 0; v < list.length; v++) {
      const a = (affinities as ArrayLike<unknown>)[v];
      if (typeof a !== "number" || a >>> 0 !== a) throw new TopologyError(`topology ${name}: affinity of vCPU ${String(v)} must be a packed affinity (uint32), got ${describeValue(a)}`, describeValue(a), `affinities[${String(v)}]`);
    }
  }
  if (typeof rss !== "boolean") throw new TopologyError(`topology ${name}: rss must be true or false, got ${describeValue(rss)}`, describeValue(rss), "rss");
  if (typeof options !== "object" || options === null) throw new TopologyError(`topology ${name}: options must be an object, got ${describeValue(options)}`, describeValue(options), "options");
}
