/**
 * A VM's vCPU layout: vCPU id → MPIDR_EL1 affinity, validated once. Every engine and the
 * reference model read the layout from here (GIC spec IHI 0069 §4.2 "affinity routing";
 * Arm ARM MPIDR_EL1).
 */
import { formatAffinity, mpidrOfAffinity } from "../arch/mpidr.ts";
import { TopologyError } from "../errors.ts";

/** Largest VM vsgi models (KVM's default layout reaches 4096 vCPUs before Aff2 is needed). */
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
  readonly #byAffinity: Map<number, number>;

  /**
   * Validates and wraps a list of packed affinities (index = vCPU id).
   * @throws TopologyError on an empty or oversized list, a duplicate affinity, or Aff0 > 15 without RSS.
   */
  constructor(name: string, affinities: ArrayLike<number>, rss: boolean) {
    if (affinities.length === 0) throw new TopologyError(`topology ${name}: the vCPU list is empty`, name);
    if (affinities.length > MAX_VCPUS) {
      throw new TopologyError(`topology ${name}: ${String(affinities.length)} vCPUs exceed the supported maximum of ${String(MAX_VCPUS)}`, name);
    }
    this.name = name;
    this.count = affinities.length;
    this.rss = rss;
    this.affinity = Uint32Array.from(affinities);
    this.#byAffinity = new Map();
    for (let v = 0; v < this.count; v++) {
      const a = this.affinity[v] ?? 0;
      if (!rss && (a & 0xff) > 15) {
        throw new TopologyError(
          `topology ${name}: vCPU ${String(v)} has Aff0 = ${String(a & 0xff)} (${formatAffinity(a)}); Aff0 > 15 is only addressable with "rss": true`,
          formatAffinity(a),
          `mpidrs[${String(v)}]`,
        );
      }
      const prev = this.#byAffinity.get(a);
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

  /** The vCPU with this packed affinity, or -1 (a slow-path lookup for tools and tests). */
  vcpuOf(affinity: number): number {
    return this.#byAffinity.get(affinity >>> 0) ?? -1;
  }

  /** The largest Aff0 of any vCPU (≤ 15 without RSS). */
  maxAff0(): number {
    let m = 0;
    for (const a of this.affinity) m = Math.max(m, a & 0xff);
    return m;
  }
}
