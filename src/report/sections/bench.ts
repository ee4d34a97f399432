/** The benchmark sections: visits and ns per write against VM size, ratios to kvm-linear, every cell. */
import { peerRulesOfEngine, projectionLabel } from "../../engines/peers.ts";
import { nsChart, ratioChart, type RatioPoint, type SeriesPoint, visitsChart } from "../charts.ts";
import { esc, fmt, num } from "../format.ts";
import { freeTable, missingBox, table } from "../markup.ts";
import { floorOf, HEADLINE_VCPUS, layoutOf, roundRange, spreadText, unique } from "../shape.ts";
import type { BenchOutput } from "../types.ts";

/** Peers' limits: every figure past one is a projection, labelled in the tables. */
const LIMITS_TEXT =
  "Peers' limits: KVM creates at most 512 vCPUs (KVM_MAX_VCPUS = VGIC_V3_MAX_CPUS), QEMU virt 512 with GICv3, Xen 128 per domain (MAX_VIRT_CPUS). " +
  "Points of kvm-linear, rfc-affskip and kvm-mpidr-index above 512 vCPUs, qemu-scan above 512 and xen above 128 are projections of the algorithm, not runs of the peer; the tables label each one. kvm-mpidr-index runs with 4 KiB host pages (vsgi route and vsgi model take --page-size 16k/64k).";

/** The engine's name, with the projection label when the VM is past its peer's limit. */
function withProjection(engine: string, vcpus: number): string {
  const label = projectionLabel(peerRulesOfEngine(engine), vcpus);
  return label === undefined ? esc(engine) : `${esc(engine)} <span class="dim">${esc(label)}</span>`;
}

/** The sweep's settings in words. */
function settingsText(bench: BenchOutput): string {
  const st = bench.settings;
  return `This run: ${String(st.rounds)} rounds of ${String(st.passMs)} ms passes over ${fmt(st.writes)} seeded writes per cell (seed ${String(st.seed)}), on ${esc(st.topologies.join(", "))}; the sweep took ${fmt(st.seconds)} s.`;
}

export function benchCharts(bench: BenchOutput): string {
  const rows = bench.results;
  const floors = floorOf(bench);
  const groups = unique(rows.map((r) => `${r.workload}|${layoutOf(r)}`));
  const multiFamily = unique(rows.map((r) => layoutOf(r))).length > 1;
  const name = (g: string): string => {
    const [w = "", f = ""] = g.split("|");
    return multiFamily ? `${w} (${f} layout)` : w;
  };
  const visits: string[] = [];
  const ns: string[] = [];
  for (const g of groups) {
    const here = rows.filter((r) => `${r.workload}|${layoutOf(r)}` === g);
    const vp: SeriesPoint[] = here.flatMap((r) => (r.visitsPerWrite === null ? [] : [{ engine: r.engine, vcpus: r.vcpus, y: r.visitsPerWrite }]));
    visits.push(visitsChart(`Visits per write — ${name(g)}`, vp));
    const np: SeriesPoint[] = here.flatMap((r) => {
      if (r.nsPerWrite === null) return [];
      const range = roundRange(r);
      return [range === undefined ? { engine: r.engine, vcpus: r.vcpus, y: r.nsPerWrite } : { engine: r.engine, vcpus: r.vcpus, y: r.nsPerWrite, lo: range[0], hi: range[1] }];
    });
    const fl = unique(here.map((r) => r.topology)).flatMap((t) => {
      const f = floors.get(`${here.find((r) => r.topology === t)?.workload ?? ""}|${t}`);
      const v = here.find((r) => r.topology === t)?.vcpus;
      return f === undefined || v === undefined ? [] : [{ vcpus: v, y: f }];
    });
    ns.push(nsChart(`ns per write — ${name(g)}`, np, fl));
  }
  const sizes = unique(rows.map((r) => r.vcpus)).sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : (sizes[sizes.length - 1] ?? 0);
  const ratioPts: (RatioPoint & { readonly layout: string })[] = rows.flatMap((r) =>
    r.vcpus === at && r.engine !== "kvm-linear" && r.engine !== "reference" && typeof r.vsLinear === "number" && r.vsLinear > 0
      ? [{ engine: r.engine, workload: r.workload, layout: layoutOf(r), ratio: r.vsLinear }]
      : [],
  );
  const ratioCharts = unique(ratioPts.map((p) => p.layout)).map((l) =>
    ratioChart(`Speed-up over kvm-linear at ${String(at)} vCPUs${multiFamily ? `, ${l} layout` : ""} (kvm-linear's ns ÷ the engine's)`, ratioPts.filter((p) => p.layout === l)),
  );
  const projected = unique(ratioPts.map((p) => p.engine)).flatMap((e) => {
    const label = projectionLabel(peerRulesOfEngine(e), at);
    return label === undefined ? [] : [`${esc(e)} at ${String(at)} vCPUs: ${esc(label)}`];
  });
  // Plain cells (the table's CSS aligns numbers): this table is the bulk of the page.
  const full = rows.map((r) => [
    withProjection(r.engine, r.vcpus),
    esc(r.workload),
    esc(r.topology),
    String(r.vcpus),
    num(r.visitsPerWrite),
    r.nsPerWrite === null ? `<span class="dim">${esc(r.unsupported ?? "unsupported")}</span>` : fmt(r.nsPerWrite),
    spreadText(r),
    num(r.vsLinear, "×"),
    num(r.vsFloor, "×"),
  ]);
  return `<section id="visits"><h2>Visits per write vs vCPUs</h2>
<p>${LIMITS_TEXT}</p>
<p>The algorithmic cost, counted (not timed): how many vCPU records or table slots each engine examines for one write. Log–log: a slope of 1 is a scan of the whole VM; flat is cost independent of VM size. Engines with equal counts draw on top of each other; the tables above and below list every figure.</p>
<div class="charts">${visits.join("\n")}</div></section>
<section id="time"><h2>Time per write</h2>
<p>Median ns per write over interleaved rounds; the pale bars are each engine's fastest–slowest round, the dashed black line the floor (decode + set one pending bit per target, no lookup). ${settingsText(bench)}</p>
<div class="charts">${ns.join("\n")}</div></section>
<section id="ratios"><h2>Ratios vs kvm-linear (Linux ≤ 6.6)</h2>
<p>How many times faster than Linux ≤ 6.6's scan each engine dispatches the same writes, measured in the same rounds. An engine absent from a panel does not support that layout (rfc-affskip and xen assume KVM's default MPIDRs).</p>
${ratioCharts.length > 0 ? ratioCharts.join("\n") : missingBox("Ratio chart", "no ratios to kvm-linear in the results")}
${projected.length > 0 ? `<p class="dim">${projected.join("; ")}.</p>` : ""}
${(bench.floors ?? []).length > 0 ? `<details><summary>Floors (${String((bench.floors ?? []).length)} cells)</summary>${freeTable("floor: decode + one raw pending bit per target; sink-floor: decode + SgiState delivery per target; bigint-floor: floor with a bigint decode", bench.floors ?? [])}</details>` : ""}
<details><summary>Every measured cell (${String(rows.length)} rows)</summary>
${table("All benchmark results", ["engine", "workload", "topology", "vCPUs", "visits/write", "ns/write", "spread", "kvm-linear ÷ engine", "engine ÷ floor"], full, "full")}
</details></section>`;
}
