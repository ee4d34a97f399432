/**
 * The cost model as `vsgi lab` runs it: the default sizes and workloads plus a workload fitted to
 * every trace the lab replayed, flattened into tables the report renders (one row list per
 * delivery back-end, numbers only; unsupported cells listed apart).
 */
import type { ReplayReport } from "../trace/replay.ts";
import { fitProfile } from "../workload/profile.ts";
import { getProfile } from "../workload/profiles.ts";
import { answerParagraph, type ModelRow, type ModelWorkload, runModel } from "./model.ts";

/** Sizes and workloads the lab prices (the CLI's defaults, without 2048: KVM stops at 512). */
const LAB_VCPUS = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];
const LAB_PROFILES = ["hackbench", "membarrier", "membarrier-irm", "tlb-shootdown-like", "broadcast-heavy"];

type Replay = Pick<ReplayReport, "writes" | "stats"> & { readonly trace: string; readonly vcpus?: number };

function isReplay(x: unknown): x is Replay {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.trace === "string" && typeof o.writes === "number" && typeof o.stats === "object" && o.stats !== null && typeof o.vcpus === "number";
}

const slim = (r: ModelRow) => ({
  workload: r.workload,
  engine: r.engine,
  vcpus: r.vcpus,
  visitsPerWrite: r.visitsPerWrite,
  targetsPerWrite: r.targetsPerWrite,
  lookupNs: r.lookupNs,
  totalNs: r.totalNs,
  lookupShare: r.lookupShare,
});

/**
 * Runs the model for the lab. `traces` is the lab's replay part (`{ replays }`); every replay
 * with statistics becomes a `trace:<name>` workload. The benchmark part is not needed: visits are
 * counted on the engines here and priced with the published costs.
 */
export function costModel(_bench?: unknown, traces?: unknown): Record<string, unknown> {
  const workloads: ModelWorkload[] = [{ kind: "last-vcpu", name: "last-vcpu" }, ...LAB_PROFILES.map((p) => ({ kind: "profile" as const, name: `linux:${p}`, profile: getProfile(p) }))];
  const replays = typeof traces === "object" && traces !== null && Array.isArray((traces as { replays?: unknown }).replays) ? (traces as { replays: unknown[] }).replays : [];
  for (const r of replays.filter(isReplay)) {
    if (r.writes === 0 || (r.vcpus ?? 0) < 2) continue;
    const name = `trace:${r.trace}`;
    workloads.push({ kind: "profile", name, profile: fitProfile(name, { ...r.stats, writes: r.writes }, r.vcpus!, `trace ${r.trace}`) });
  }
  const out = runModel({ vcpus: LAB_VCPUS, workloads, writes: 1000 });
  const priced = (d: string) => out.rows.filter((r) => r.delivery === d && r.lookupShare !== null).map(slim);
  const m = out.machine;
  return {
    answer: answerParagraph(out),
    formula: out.formula,
    machine: `${m.name}: ${m.description}`,
    terms: Object.fromEntries(
      (["trapExit", "decode", "perVisit", "pendingUpdate", "kickAndEntry", "directSgi"] as const).map((k) => [k, `${String(m[k].ns)} ns — ${m[k].how} [${m[k].sources.join(", ")}]`]),
    ),
    listRegisters: priced("list-registers"),
    gicv41DirectVsgi: priced("gicv4.1"),
    breakEven: out.breakEven.map((b) => ({ ...b, vcpus: b.vcpus ?? "never", lookupShare: b.lookupShare ?? "" })),
    unsupported: out.rows.filter((r) => r.lookupShare === null && r.delivery === "list-registers").map((r) => ({ workload: r.workload, engine: r.engine, vcpus: r.vcpus, reason: r.unsupported ?? "" })),
    citations: out.citations.map((c) => ({ id: c.id, source: c.text })),
  };
}
