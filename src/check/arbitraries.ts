/**
 * The random cases of `vsgi check`: VM layouts (KVM default, QEMU virt, sparse multi-socket,
 * RSS clusters wider than 16, random userspace MPIDRs with and without RSS; 1..512 vCPUs) and
 * register writes (every ICC_SGI1R_EL1 field, IRM, RS, RES0 bits, empty lists, targets that do
 * not exist). Layouts and writes are drawn independently — a write names a vCPU by index and
 * takes its cluster from the layout — so fast-check shrinks both sides freely.
 */
import fc from "fast-check";
import { packAffinity, unpackAffinity } from "../arch/mpidr.ts";
import { encodeSgiHiLo, SGI_RES0_HI, SGI_RES0_LO } from "../arch/sgi-register.ts";
import { presetTopology } from "../topology/presets.ts";
import { Topology } from "../topology/topology.ts";

/** Largest VM the property test draws (QEMU virt's GICv3 limit). */
export const CHECK_MAX_VCPUS = 512;

/** A layout as drawn: a preset, RSS clusters of `width` vCPUs, or explicit affinities. */
export type LayoutSpec =
  | { readonly family: "kvm" | "qemu" | "sparse"; readonly count: number }
  | { readonly family: "rss"; readonly count: number; readonly width: number }
  | { readonly family: "random"; readonly rss: boolean; readonly affinities: readonly number[] };

/** Layout family names, for reports. */
export type LayoutFamily = LayoutSpec["family"];

/** Where a write's Aff3.Aff2.Aff1 (and, for `aim`, TargetList and RS) come from. */
export type WriteSpec = {
  /** Index (mod n) of the writing vCPU. */
  readonly sender: number;
  readonly irm: 0 | 1;
  readonly intid: number;
  /** `aim`: the cluster of vCPU `aim` (mod n); `raw`: these fields. */
  readonly cluster: { readonly aim: number } | { readonly aff3: number; readonly aff2: number; readonly aff1: number };
  /** `aim`: the bit of the aimed vCPU's Aff0; else this 16-bit list. */
  readonly targetList: "aim" | number;
  /** `aim`: the aimed vCPU's Aff0 / 16; else this value. */
  readonly rs: "aim" | number;
  /** RES0 bits to set (bits 63:32, 31:0). */
  readonly res0: { readonly hi: number; readonly lo: number };
};

const count = fc.oneof(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: CHECK_MAX_VCPUS }));

function packed(aff3: number, aff2: number, aff1: number, aff0: number): number {
  return packAffinity({ aff3, aff2, aff1, aff0 });
}

/** Random userspace MPIDRs: few distinct Aff3/Aff2 values so clusters collide across them; Aff0 up to 255. */
const randomAffinities: fc.Arbitrary<number[]> = (() => {
  const aff0 = fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 255 }));
  const affinity = fc
    .tuple(fc.constantFrom(0, 1, 2, 0x80), fc.constantFrom(0, 1, 0x21), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 })), aff0)
    .map(([a3, a2, a1, a0]) => packed(a3, a2, a1, a0));
  return fc.oneof(
    fc.uniqueArray(affinity, { minLength: 1, maxLength: 40 }),
    fc.uniqueArray(affinity, { minLength: 1, maxLength: CHECK_MAX_VCPUS, size: "max" }),
  );
})();

const FAMILIES = ["kvm", "qemu", "sparse", "rss", "random"] as const;

/**
 * Every layout family. The family is a number that shrinks towards 0 (KVM's default layout), so
 * a counterexample ends on the simplest family that still fails.
 */
export const layoutArbitrary: fc.Arbitrary<LayoutSpec> = fc
  .record({ family: fc.integer({ min: 0, max: FAMILIES.length - 1 }), count, width: fc.constantFrom(32, 64, 256), rss: fc.boolean(), affinities: randomAffinities })
  .map(({ family, count: n, width, rss, affinities }): LayoutSpec => {
    const f = FAMILIES[family]!;
    if (f === "rss") return { family: f, count: n, width };
    if (f !== "random") return { family: f, count: n };
    // Without RSS, Aff0 keeps its low 4 bits; affinities that then collide are dropped.
    const affs = rss ? affinities : [...new Set(affinities.map((a) => (a & 0xffff_ff0f) >>> 0))];
    return { family: f, rss, affinities: affs };
  });

const byte = fc.integer({ min: 0, max: 255 });

/** One write, of any field values, biased towards writes that reach someone. */
export const writeArbitrary: fc.Arbitrary<WriteSpec> = fc.record({
  sender: fc.nat({ max: 4095 }),
  irm: fc.oneof({ weight: 6, arbitrary: fc.constant(0 as const) }, { weight: 1, arbitrary: fc.constant(1 as const) }),
  intid: fc.integer({ min: 0, max: 15 }),
  cluster: fc.oneof({ weight: 4, arbitrary: fc.record({ aim: fc.nat({ max: 4095 }) }) }, { weight: 1, arbitrary: fc.record({ aff3: byte, aff2: byte, aff1: byte }) }),
  targetList: fc.oneof(
    { weight: 3, arbitrary: fc.constant("aim" as const) },
    // A set of bit positions, so shrinking removes bits one by one down to the ones that matter.
    { weight: 2, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 16 }).map((bits) => bits.reduce((m, b) => m | (1 << b), 0)) },
    { weight: 1, arbitrary: fc.constantFrom(0xffff, 0x8000, 0x8001, 0) },
  ),
  rs: fc.oneof({ weight: 3, arbitrary: fc.constant("aim" as const) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  res0: fc.oneof(
    { weight: 5, arbitrary: fc.constant({ hi: 0, lo: 0 }) },
    { weight: 1, arbitrary: fc.record({ hi: fc.integer({ min: 0, max: 0xffff_ffff }).map((v) => (v & SGI_RES0_HI) >>> 0), lo: fc.integer({ min: 0, max: 0xffff_ffff }).map((v) => (v & SGI_RES0_LO) >>> 0) }) },
  ),
});

/** The topology a layout spec describes. */
export function layoutTopology(spec: LayoutSpec): Topology {
  switch (spec.family) {
    case "kvm":
    case "qemu":
    case "sparse":
      return presetTopology(`${spec.family}:${String(spec.count)}`);
    case "rss": {
      const affs = new Uint32Array(spec.count);
      for (let i = 0; i < spec.count; i++) affs[i] = packed(0, 0, Math.floor(i / spec.width), i % spec.width);
      return new Topology(`rss-clusters-of-${String(spec.width)}:${String(spec.count)}`, affs, true);
    }
    case "random":
      return new Topology(`random-${spec.rss ? "rss-" : ""}${String(spec.affinities.length)}`, spec.affinities, spec.rss);
  }
}

/** A write resolved against a topology: the register value's halves and the sender. */
export interface ResolvedWrite {
  readonly hi: number;
  readonly lo: number;
  readonly sender: number;
}

/** Resolves a write spec on `t` into a concrete ICC_SGI1R_EL1 value. */
export function resolveWrite(spec: WriteSpec, t: Topology): ResolvedWrite {
  const sender = spec.sender % t.count;
  let cluster = { aff3: 0, aff2: 0, aff1: 0 };
  let aimAff0 = -1;
  if ("aim" in spec.cluster) {
    const { aff3, aff2, aff1, aff0 } = unpackAffinity(t.affinity[spec.cluster.aim % t.count]!);
    cluster = { aff3, aff2, aff1 };
    aimAff0 = aff0;
  } else {
    cluster = { ...spec.cluster };
  }
  const rs = spec.rs === "aim" ? (aimAff0 >= 0 ? aimAff0 >>> 4 : 0) : spec.rs;
  const targetList = spec.targetList === "aim" ? (aimAff0 >= 0 ? 1 << (aimAff0 & 15) : 1) : spec.targetList;
  const v = encodeSgiHiLo({ intid: spec.intid, ...cluster, targetList, rs, irm: spec.irm });
  const hi = (v.hi | spec.res0.hi) >>> 0;
  const lo = (v.lo | spec.res0.lo) >>> 0;
  return { hi, lo, sender };
}
