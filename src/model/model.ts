/**
 * The cost of one whole vSGI and the lookup's share of it — vsgi's answer to "what are you
 * optimising for?". Per register write:
 *
 *   total = trap/exit + decode + lookup + targets × (pending update + delivery)
 *   lookup = visits per write (counted on the engine itself) × ns per visit (published)
 *   delivery = list-register kick + target entry, or with GICv4.1 the direct vSGI for a
 *              resident vPE and a doorbell (the list-register path) for the others
 *
 * It is the CPU work of the whole vSGI (sender and targets), not the sender's latency alone.
 */
import { decodeSgiInto, encodeSgiHiLo, newSgiWrite, SgiRegister } from "../arch/sgi-register.ts";
import { engineNames, type EngineName, KvmMpidrIndexEngine, prepareEngines } from "../engines/index.ts";
import type { PageSize } from "../engines/kvm-mpidr-index.ts";
import { peerRulesOfEngine, projectionLabel } from "../engines/peers.ts";
import type { DeliverySink } from "../state/sink.ts";
import { pct } from "../util/percent.ts";
import { presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { generateLinuxStream, type LinuxIpiProfile } from "../workload/profile.ts";
import type { WriteStream } from "../workload/stats.ts";
import { CITATIONS, type Citation, type MachineCosts, MACHINES } from "./costs.ts";

/** How the SGI reaches its target. */
export const DELIVERIES = ["list-registers", "gicv4.1"] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** A workload the model runs: a Linux profile, or every write from vCPU 0 to the last vCPU. */
export type ModelWorkload = { readonly kind: "profile"; readonly name: string; readonly profile: LinuxIpiProfile } | { readonly kind: "last-vcpu"; readonly name: "last-vcpu" };

/** Options of {@link runModel}. */
export interface ModelOptions {
  /** VM sizes (vCPUs). */
  readonly vcpus: readonly number[];
  /** Layout preset family: `kvm` (default) or `sparse` (host-mirroring, no MPIDR index from ~512). */
  readonly layout?: "kvm" | "sparse";
  readonly workloads: readonly ModelWorkload[];
  readonly engines?: readonly EngineName[];
  readonly deliveries?: readonly Delivery[];
  readonly machine?: MachineCosts;
  /** Share (0..1) of targets whose vPE is resident (GICv4.1 only; others take a doorbell). Default 1. */
  readonly resident?: number;
  /** Lookup share above which an algorithm "matters" (default 0.05). */
  readonly threshold?: number;
  /** Writes drawn per workload and size (default 2000). */
  readonly writes?: number;
  readonly seed?: number;
  /** Host PAGE_SIZE for KVM ≥ 6.7's index table (default 4096). */
  readonly pageSize?: PageSize;
}

/** One (workload, delivery, engine, VM size) cell. */
export interface ModelRow {
  readonly workload: string;
  readonly delivery: Delivery;
  readonly engine: EngineName;
  readonly topology: string;
  readonly vcpus: number;
  /** null when the engine cannot serve the layout. */
  readonly visitsPerWrite: number | null;
  readonly targetsPerWrite: number;
  readonly lookupNs: number | null;
  readonly totalNs: number | null;
  /** lookup / total. */
  readonly lookupShare: number | null;
  readonly unsupported?: string;
  /** Set past the engine's peer's limit: "beyond KVM's limit of 512 (projection)". */
  readonly projection?: string;
}

/** The smallest swept VM size where an engine's lookup exceeds the threshold (null: none). */
export interface BreakEven {
  readonly workload: string;
  readonly delivery: Delivery;
  readonly engine: EngineName;
  readonly vcpus: number | null;
  readonly lookupShare: number | null;
}

/** What `vsgi model --json` prints. */
export interface ModelOutput {
  readonly formula: string;
  readonly machine: MachineCosts;
  readonly resident: number;
  readonly threshold: number;
  readonly layout: string;
  /** Host PAGE_SIZE the KVM ≥ 6.7 index was modelled with. */
  readonly pageSize: PageSize;
  readonly writesPerCell: number;
  readonly rows: readonly ModelRow[];
  readonly breakEven: readonly BreakEven[];
  readonly citations: readonly Citation[];
}

/** Engines the model reports: every algorithm someone runs (the reference is the specification). */
export const MODEL_ENGINES: readonly EngineName[] = engineNames().filter((e) => e !== "reference");

/** A sink that only counts targets (IRM counts n − 1): the model needs targets per write, not who. */
class CountingSink implements DeliverySink {
  targets = 0;
  readonly #count: number;
  constructor(count: number) {
    this.#count = count;
  }
  deliver(): void {
    this.targets++;
  }
  deliverAllBut(): void {
    this.targets += this.#count - 1;
  }
}

/** The seeded writes of a model workload on `t`. */
export function streamFor(w: ModelWorkload, t: Topology, writes: number, seed: number): WriteStream {
  if (w.kind === "profile") return generateLinuxStream(t, w.profile, writes, seed);
  const last = t.affinity[t.count - 1]!;
  const { hi, lo } = encodeSgiHiLo({ intid: 1, aff3: last >>> 24, aff2: (last >>> 16) & 0xff, aff1: (last >>> 8) & 0xff, rs: (last & 0xff) >>> 4, targetList: 1 << (last & 0xf) });
  return { hi: new Uint32Array(writes).fill(hi), lo: new Uint32Array(writes).fill(lo), senders: new Uint32Array(writes) };
}

/** Per-target delivery cost for a delivery back-end. */
export function deliveryNs(m: MachineCosts, delivery: Delivery, resident: number): number {
  const direct = delivery === "gicv4.1" ? resident * m.directSgi.ns + (1 - resident) * m.kickAndEntry.ns : m.kickAndEntry.ns;
  return m.pendingUpdate.ns + direct;
}

/**
 * Runs the model: counts each engine's visits on seeded writes of each workload at each size and
 * prices them with the machine's costs.
 * @example runModel({ vcpus: [64], workloads: [{ kind: "last-vcpu", name: "last-vcpu" }] }).rows.length
 */
export function runModel(options: ModelOptions): ModelOutput {
  const machine = options.machine ?? MACHINES["kunpeng-920"]!;
  const engines = options.engines ?? MODEL_ENGINES;
  const deliveries = options.deliveries ?? DELIVERIES;
  const resident = options.resident ?? 1;
  const threshold = options.threshold ?? 0.05;
  const writes = options.writes ?? 2000;
  const seed = options.seed ?? 1;
  const layout = options.layout ?? "kvm";
  const pageSize = options.pageSize ?? 4096;
  const rows: ModelRow[] = [];
  const w = newSgiWrite();
  for (const n of options.vcpus) {
    const topology = presetTopology(`${layout}:${String(n)}`);
    const prepared = prepareEngines(topology, engines).map((p) => {
      if (p.engine.name !== "kvm-mpidr-index" || pageSize === 4096) return p;
      const engine = new KvmMpidrIndexEngine({ pageSize });
      return { engine, support: engine.prepare(topology) };
    });
    for (const workload of options.workloads) {
      if (n < 2 && workload.kind === "profile") continue;
      const stream = streamFor(workload, topology, writes, seed);
      const visits = new Map<EngineName, number>();
      const sink = new CountingSink(n);
      let targets = -1;
      for (const { engine, support } of prepared) {
        if (!support.supported) continue;
        sink.targets = 0;
        let v = 0;
        for (let i = 0; i < stream.hi.length; i++) {
          decodeSgiInto(w, stream.hi[i]!, stream.lo[i]!, SgiRegister.SGI1R);
          v += engine.dispatch(w, stream.senders[i]!, sink);
        }
        visits.set(engine.name, v / stream.hi.length);
        // Every engine delivers the same targets (checked against the reference elsewhere).
        targets = sink.targets / stream.hi.length;
      }
      for (const delivery of deliveries) {
        const perTarget = deliveryNs(machine, delivery, resident);
        for (const { engine, support } of prepared) {
          const projection = projectionLabel(peerRulesOfEngine(engine.name), n);
          const base = { workload: workload.name, delivery, engine: engine.name, topology: topology.name, vcpus: n, ...(projection !== undefined ? { projection } : {}) };
          const vpw = visits.get(engine.name);
          if (!support.supported || vpw === undefined) {
            rows.push({ ...base, visitsPerWrite: null, targetsPerWrite: Math.max(0, targets), lookupNs: null, totalNs: null, lookupShare: null, unsupported: support.supported ? "no writes" : support.reason });
            continue;
          }
          const lookupNs = vpw * machine.perVisit.ns;
          const totalNs = machine.trapExit.ns + machine.decode.ns + lookupNs + targets * perTarget;
          rows.push({ ...base, visitsPerWrite: vpw, targetsPerWrite: targets, lookupNs, totalNs, lookupShare: lookupNs / totalNs });
        }
      }
    }
  }
  const breakEven: BreakEven[] = [];
  for (const workload of options.workloads) {
    for (const delivery of deliveries) {
      for (const engine of engines) {
        const cells = rows.filter((r) => r.workload === workload.name && r.delivery === delivery && r.engine === engine && r.lookupShare !== null).sort((a, b) => a.vcpus - b.vcpus);
        const hit = cells.find((r) => r.lookupShare! > threshold);
        breakEven.push({ workload: workload.name, delivery, engine, vcpus: hit?.vcpus ?? null, lookupShare: hit?.lookupShare ?? null });
      }
    }
  }
  return {
    formula: "total = trapExit + decode + visits × perVisit + targets × (pendingUpdate + delivery); delivery = kickAndEntry (list registers) or resident × directSgi + (1 − resident) × kickAndEntry (GICv4.1, doorbell when not resident)",
    machine,
    resident,
    threshold,
    layout,
    pageSize,
    writesPerCell: writes,
    rows,
    breakEven,
    citations: Object.values(CITATIONS),
  };
}

/**
 * The answer in one paragraph, written from the figures of a model run: from what VM size each
 * algorithm's lookup passes the threshold, and what it weighs at 512 vCPUs (KVM's maximum) or
 * the largest size run.
 */
export function answerParagraph(out: ModelOutput): string {
  const sizes = [...new Set(out.rows.map((r) => r.vcpus))].sort((a, b) => a - b);
  const largest = sizes[sizes.length - 1] ?? 0;
  const at = sizes.includes(512) ? 512 : largest;
  const share = (workload: string, delivery: Delivery, engine: EngineName, n: number): number | null =>
    out.rows.find((r) => r.workload === workload && r.delivery === delivery && r.engine === engine && r.vcpus === n)?.lookupShare ?? null;
  const be = (workload: string, delivery: Delivery, engine: EngineName): number | null =>
    out.breakEven.find((x) => x.workload === workload && x.delivery === delivery && x.engine === engine)?.vcpus ?? null;
  const workloads = [...new Set(out.rows.map((r) => r.workload))];
  const deliveries = [...new Set(out.rows.map((r) => r.delivery))];
  const t = pct(out.threshold);
  const parts: string[] = [`Priced on ${out.machine.name} (trap ${String(out.machine.trapExit.ns)} ns, ${String(out.machine.perVisit.ns)} ns per vCPU visited, ${String(out.machine.kickAndEntry.ns)} ns list-register delivery or ${String(out.machine.directSgi.ns)} ns direct vSGI per target; ${out.layout} layout, ${String(out.pageSize / 1024)} KiB host pages for the MPIDR index).`];
  for (const d of deliveries) {
    const label = d === "gicv4.1" ? "With GICv4.1 direct vSGI" : "With list-register delivery";
    const linear = workloads.map((w) => {
      const b = be(w, d, "kvm-linear");
      const beyond = b !== null && b > 512 ? " — beyond KVM's limit of 512 (projection)" : "";
      return `${w} ${b === null ? `never up to ${String(largest)}${largest > 512 ? " (sizes past 512 are projections beyond KVM's limit)" : ""}` : `from ${String(b)}${beyond}`} (${pct(share(w, d, "kvm-linear", at))} at ${String(at)})`;
    });
    parts.push(`${label}, the Linux ≤ 6.6 linear walk's lookup exceeds ${t} of a whole vSGI for ${linear.join(", ")};`);
    let maxIndex = 0;
    let maxVsgi = 0;
    for (const w of workloads) {
      maxIndex = Math.max(maxIndex, share(w, d, "kvm-mpidr-index", at) ?? 0);
      maxVsgi = Math.max(maxVsgi, share(w, d, "vsgi", at) ?? 0);
    }
    const fallback = workloads.map((w) => be(w, d, "kvm-mpidr-index")).filter((b): b is number => b !== null && b > at);
    parts.push(
      `the MPIDR index (KVM ≥ 6.7) stays at or below ${pct(maxIndex)} and vsgi at or below ${pct(maxVsgi)} at ${String(at)} vCPUs` +
        (fallback.length > 0
          ? `, and the index's lookup jumps past ${t} from ${String(Math.min(...fallback))} vCPUs, where its table no longer fits a ${String(out.pageSize / 1024)} KiB page and it walks linearly${Math.min(...fallback) > 512 ? " — beyond KVM's limit of 512 (projection)" : ""}.`
          : "."),
    );
  }
  return parts.join(" ");
}
