/**
 * Complexity report: visits per write against VM size (16…512 measured; 1024…4096 projected from
 * the fitted slope and labelled so) for unicast, last-cluster unicast (the 2023 RFC's case),
 * whole-cluster multicast and IRM broadcast, on each preset layout family. The fitted log-log
 * slope per row reads off the order: ≈0 constant, ≈1 linear in n.
 */
import { unpackAffinity } from "../arch/mpidr.ts";
import { encodeSgiHiLo, newSgiWrite, type SgiWrite, decodeSgiInto } from "../arch/sgi-register.ts";
import type { Support } from "../engines/engine.ts";
import type { DeliverySink } from "../state/sink.ts";
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { SeededRandom } from "../workload/rng.ts";

/** VM sizes measured. */
export const MEASURED_SIZES = [16, 32, 64, 128, 256, 512] as const;
/** VM sizes projected from the slope (never measured here). */
export const PROJECTED_SIZES = [1024, 2048, 4096] as const;
export const COMPLEXITY_FAMILIES = ["kvm", "qemu", "sparse"] as const;
export const COMPLEXITY_WORKLOADS = ["unicast", "last-cluster", "multicast", "broadcast"] as const;
export type ComplexityWorkload = (typeof COMPLEXITY_WORKLOADS)[number];

/** Anything with the engine contract's two methods. */
export interface VisitCounter {
  readonly name: string;
  prepare(topology: Topology): Support;
  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number;
}

/** One row: an engine on one family and workload. */
export interface ComplexityRow {
  readonly engine: string;
  readonly family: (typeof COMPLEXITY_FAMILIES)[number];
  readonly workload: ComplexityWorkload;
  /** Mean visits per write at each MEASURED_SIZES entry; null where the layout is unsupported. */
  readonly visits: readonly (number | null)[];
  /** Least-squares slope of log(visits) on log(n) over the measured sizes; null with < 2 points. */
  readonly slope: number | null;
  /** Projections at PROJECTED_SIZES: visits(512) · (n/512)^slope; null without a slope. */
  readonly projected: readonly (number | null)[];
  /** The engine's reason, when some size was unsupported. */
  readonly unsupported?: string;
}

const nullSink: DeliverySink = { deliver: () => undefined, deliverAllBut: () => undefined };

/** The writes of one workload on `t`, as [hi, lo, sender] triples (deterministic). */
export function complexityWrites(t: Topology, workload: ComplexityWorkload): [number, number, number][] {
  const rng = new SeededRandom(0x5e1f + t.count);
  const aimed = (v: number, wholeCluster: boolean): { hi: number; lo: number } => {
    const { aff3, aff2, aff1, aff0 } = unpackAffinity(t.affinity[v]!);
    let targetList = 1 << (aff0 & 15);
    if (wholeCluster) {
      for (const a of t.affinity) if (a >>> 8 === t.affinity[v]! >>> 8 && (a & 0xff) >>> 4 === aff0 >>> 4) targetList |= 1 << (a & 15);
    }
    return encodeSgiHiLo({ intid: 1, aff3, aff2, aff1, targetList, rs: aff0 >>> 4 });
  };
  const out: [number, number, number][] = [];
  if (workload === "broadcast") {
    const { hi, lo } = encodeSgiHiLo({ intid: 1, irm: 1 });
    for (let i = 0; i < 8; i++) out.push([hi, lo, rng.int(t.count)]);
  } else if (workload === "last-cluster") {
    const { hi, lo } = aimed(t.count - 1, false);
    out.push([hi, lo, 0]);
  } else {
    for (let i = 0; i < 64; i++) {
      const { hi, lo } = aimed(rng.int(t.count), workload === "multicast");
      out.push([hi, lo, rng.int(t.count)]);
    }
  }
  return out;
}

/** Least-squares slope of log y on log x over the points with y > 0. */
export function logLogSlope(xs: readonly number[], ys: readonly (number | null)[]): number | null {
  const pts: [number, number][] = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (y !== null && y !== undefined && y > 0) pts.push([Math.log(x), Math.log(y)]);
  });
  if (pts.length < 2) return null;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of pts) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

/** The complexity rows of one engine (`make` gives a fresh instance per layout). */
export function complexityRows(make: () => VisitCounter): ComplexityRow[] {
  const rows: ComplexityRow[] = [];
  const w = newSgiWrite();
  for (const family of COMPLEXITY_FAMILIES) {
    const perWorkload = COMPLEXITY_WORKLOADS.map(() => [] as (number | null)[]);
    let unsupported: string | undefined;
    let name = "";
    for (const n of MEASURED_SIZES) {
      const t = presetTopology(`${family}:${String(n)}`);
      const engine = make();
      name = engine.name;
      const support = engine.prepare(t);
      COMPLEXITY_WORKLOADS.forEach((workload, k) => {
        if (!support.supported) {
          unsupported ??= support.reason;
          perWorkload[k]!.push(null);
          return;
        }
        const writes = complexityWrites(t, workload);
        let visits = 0;
        for (const [hi, lo, sender] of writes) {
          decodeSgiInto(w, hi, lo, 0);
          visits += engine.dispatch(w, sender, nullSink);
        }
        perWorkload[k]!.push(visits / writes.length);
      });
    }
    COMPLEXITY_WORKLOADS.forEach((workload, k) => {
      const visits = perWorkload[k]!;
      const slope = logLogSlope(MEASURED_SIZES, visits);
      const last = visits[visits.length - 1];
      const projected = PROJECTED_SIZES.map((p) => (slope === null || last === null || last === undefined ? null : last * (p / 512) ** slope));
      rows.push({ engine: name, family, workload, visits, slope, projected, ...(unsupported !== undefined ? { unsupported } : {}) });
    });
  }
  return rows;
}

function cell(v: number | null | undefined, width: number): string {
  if (v === null || v === undefined) return "—".padStart(width);
  return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).padStart(width);
}

/** The rows as a fixed-width text table. */
export function formatComplexity(rows: readonly ComplexityRow[]): string {
  const head = `${"engine".padEnd(18)}${"layout".padEnd(8)}${"workload".padEnd(14)}${MEASURED_SIZES.map((n) => String(n).padStart(7)).join("")} |${PROJECTED_SIZES.map((n) => `~${String(n)}`.padStart(8)).join("")} | slope`;
  const lines = [
    "complexity: visits per write against VM size (16…512 measured; ~1024…~4096 PROJECTED from the fitted log-log slope, not measured)",
    head,
  ];
  for (const r of rows) {
    lines.push(
      `${r.engine.padEnd(18)}${r.family.padEnd(8)}${r.workload.padEnd(14)}${r.visits.map((v) => cell(v, 7)).join("")} |${r.projected.map((v) => cell(v, 8)).join("")} | ${r.slope === null ? "—" : r.slope.toFixed(2)}`,
    );
  }
  const reasons = [...new Set(rows.flatMap((r) => (r.unsupported !== undefined ? [`${r.engine} on ${r.family}: ${r.unsupported}`] : [])))];
  for (const reason of reasons) lines.push(`  — unsupported: ${reason}`);
  return lines.join("\n");
}
