/**
 * Renders a lab run (`results.json`) as one self-contained HTML page: inline CSS, SVG charts made
 * by Observable Plot at build time, the route explorer's script inlined. No network access at view
 * time, and everything except the explorer reads without JavaScript.
 */
import { orderEngines } from "../engines/registry.ts";
import { LINUX_ARM64_IPI_NAMES } from "../workload/profile.ts";
import { fmt, intidChart, nsChart, type RatioPoint, ratioChart, type SeriesPoint, shareChart, visitsChart } from "./charts.ts";
import { EXPLORER_REGISTERS, explore } from "./explorer/explore.ts";
import { esc, renderEngines, renderFields, renderGrid, renderSummary, renderWarnings } from "./explorer/view.ts";
import { STYLE } from "./style.ts";
import { type BenchOutput, type BenchResult, isMissing, type LabResults, type TraceFailure, type TraceReplay } from "./types.ts";

/** The explorer's script, or why it is absent. */
export type ExplorerScript = { readonly js: string } | { readonly missing: string };

/** The VM size the headline compares engines at (KVM's maximum on arm64). */
export const HEADLINE_VCPUS = 512;

const engineOrder = (names: Iterable<string>): string[] => orderEngines(names);

const unique = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

function layoutOf(r: BenchResult): string {
  return typeof r.layout === "string" ? r.layout : family(r.topology);
}

function family(topology: string): string {
  return topology.includes(":") ? (topology.split(":")[0] ?? topology) : topology;
}

/** The fastest–slowest round of a result, in ns. */
function roundRange(r: BenchResult): [number, number] | undefined {
  return r.nsPerWrite !== null && r.minNs !== null && r.maxNs !== null ? [r.minNs, r.maxNs] : undefined;
}

function spreadText(r: BenchResult): string {
  const range = roundRange(r);
  const rel = r.spread === null ? "" : ` (${fmt(r.spread * 100)}%)`;
  return range === undefined ? "" : `${fmt(range[0])}–${fmt(range[1])}${rel}`;
}

const num = (v: number | null | undefined, suffix = ""): string => (v === null || v === undefined || !Number.isFinite(v) ? "—" : `${fmt(v)}${suffix}`);

function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  return `<div class="scroll"><table${cls === "" ? "" : ` class="${cls}"`}><caption>${caption}</caption><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

function missingBox(what: string, why: string): string {
  return `<p class="missing"><strong>${esc(what)} not in this run:</strong> ${esc(why)}</p>`;
}

/** The floor (decode + set one pending bit per target) in ns per (workload, topology), when measured. */
function floorOf(bench: BenchOutput): Map<string, number> {
  const rows = bench.results;
  const out = new Map<string, number>();
  for (const f of bench.floors ?? []) if (f.kind === "floor") out.set(`${f.workload}|${f.topology}`, f.nsPerWrite);
  for (const r of rows) {
    const key = `${r.workload}|${r.topology}`;
    if (!out.has(key) && r.nsPerWrite !== null && typeof r.vsFloor === "number" && r.vsFloor > 0) out.set(key, r.nsPerWrite / r.vsFloor);
  }
  return out;
}

function cellKey(r: BenchResult): string {
  return `${r.workload}|${r.topology}`;
}

/** The load average when the benchmark started: timings on a loaded machine are noisier. */
function loadText(results: LabResults): string {
  if (isMissing(results.bench)) return "";
  // Guarded: results.json files written before the field existed lack it.
  const l = (results.bench.machine.loadavg as readonly number[] | undefined)?.[0];
  return l === undefined ? "" : ` · load average ${fmt(l)} at start`;
}

/** A warning when the machine was loaded beyond its CPUs when the benchmark started. */
function busyNote(bench: BenchOutput): string {
  const l = (bench.machine.loadavg as readonly number[] | undefined)?.[0];
  if (l === undefined || l <= bench.machine.cpus) return "";
  return `<p class="missing"><strong>Busy machine:</strong> the load average was ${fmt(l)} on ${String(bench.machine.cpus)} CPUs when the benchmark started, so timings are noisier than usual (see the spreads). Visits per write are exact and unaffected.</p>`;
}

/** "2 × AMD EPYC, Node v20…". */
export function machineText(m: LabResults["machine"]): string {
  const model = typeof m.cpuModel === "string" ? ` × ${m.cpuModel}` : "";
  return `${String(m.cpus)}${model} CPUs, Node ${m.node}`;
}

function goalsTable(bench: BenchOutput): string {
  const goals = bench.goals ?? [];
  if (goals.length === 0) return "";
  const rows = goals.map((g) => [
    esc(g.goal),
    esc(g.measured),
    g.met === true ? `<span class="ok">met</span>` : g.met === false ? `<span class="bad">not met</span>` : `<span class="dim">not measured in this run</span>`,
  ]);
  return table("The benchmark's goals, checked against this run", ["goal", "measured", "verdict"], rows);
}

const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function headline(bench: BenchOutput): string {
  const rows = bench.results;
  const sizes = unique(rows.map((r) => r.vcpus)).sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : sizes[sizes.length - 1];
  if (at === undefined) return missingBox("Headline", "the benchmark returned no results");
  const here = rows.filter((r) => r.vcpus === at);
  const engines = engineOrder(here.map((r) => r.engine));
  const cells = unique(here.map(cellKey));
  const get = (cell: string, engine: string): BenchResult | undefined => here.find((r) => cellKey(r) === cell && r.engine === engine);
  const label = (cell: string): string => {
    const [w = "", t = ""] = cell.split("|");
    return `${esc(w)} <span class="dim">${esc(t)}</span>`;
  };
  // One row per (workload, topology) cell: each engine's figure and its ratio to vsgi's.
  const metricRows = (metric: "nsPerWrite" | "visitsPerWrite"): string[][] =>
    cells.map((c) => {
      const v = get(c, "vsgi")?.[metric];
      return [
        label(c),
        ...engines.map((e) => {
          const r = get(c, e);
          if (r === undefined) return "";
          const x = r[metric];
          if (x === null) return `<span class="dim" title="${esc(r.unsupported ?? "unsupported")}">n/a</span>`;
          const ratio = v && e !== "vsgi" ? ` <span class="ratio">${fmt(x / v)}×</span>` : "";
          return `<span class="num">${fmt(x)}</span>${ratio}`;
        }),
      ];
    });
  const nsRows = metricRows("nsPerWrite");
  const visitRows = metricRows("visitsPerWrite");
  // One sentence per engine: geometric mean, over the workloads measured at this size, of its time ÷ vsgi's.
  const sentences = engines
    .filter((e) => e !== "vsgi" && e !== "reference")
    .map((e) => {
      const ratios = cells.flatMap((c) => {
        const a = get(c, e)?.nsPerWrite;
        const b = get(c, "vsgi")?.nsPerWrite;
        return a && b ? [a / b] : [];
      });
      if (ratios.length === 0) return `<li><strong>${esc(e)}</strong>: not measured at ${String(at)} vCPUs (unsupported layout).</li>`;
      const visitRatios = cells.flatMap((c) => {
        const a = get(c, e)?.visitsPerWrite;
        const b = get(c, "vsgi")?.visitsPerWrite;
        return a && b ? [a / b] : [];
      });
      const lo = Math.min(...ratios);
      const hi = Math.max(...ratios);
      const visits = visitRatios.length > 0 ? ` and examines <strong>${fmt(geomean(visitRatios))}×</strong> as many vCPUs` : "";
      return `<li><strong>${esc(e)}</strong> takes <strong>${fmt(geomean(ratios))}×</strong> vsgi's time per write${visits} (geometric means over ${String(ratios.length)} workload${ratios.length === 1 ? "" : "s"}; time ${fmt(lo)}× to ${fmt(hi)}×).</li>`;
    });
  return `<section id="headline"><h2>Headline: vsgi vs each engine at ${String(at)} vCPUs</h2>
<p class="machine">Measured on ${esc(machineText(bench.machine))}, ${esc(bench.machine.date)}.</p>
${busyNote(bench)}
<ul class="headline">${sentences.join("")}</ul>
${table(`ns per write at ${String(at)} vCPUs (median; <span class="ratio">×</span> = ÷ vsgi)`, ["workload", ...engines.map(esc)], nsRows, "matrix")}
${table(`Visits per write at ${String(at)} vCPUs (vCPU records or table slots examined; <span class="ratio">×</span> = ÷ vsgi)`, ["workload", ...engines.map(esc)], visitRows, "matrix")}
${goalsTable(bench)}
</section>`;
}

/** The sweep's settings in words. */
function settingsText(bench: BenchOutput): string {
  const st = bench.settings;
  return `This run: ${String(st.rounds)} rounds of ${String(st.passMs)} ms passes over ${fmt(st.writes)} seeded writes per cell (seed ${String(st.seed)}), on ${esc(st.topologies.join(", "))}; the sweep took ${fmt(st.seconds)} s.`;
}

function benchCharts(bench: BenchOutput): string {
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
  // Plain cells (the table's CSS aligns numbers): this table is the bulk of the page.
  const full = rows.map((r) => [
    esc(r.engine),
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
<p>The algorithmic cost, counted (not timed): how many vCPU records or table slots each engine examines for one write. Log–log: a slope of 1 is a scan of the whole VM; flat is cost independent of VM size. Engines with equal counts draw on top of each other; the tables above and below list every figure.</p>
<div class="charts">${visits.join("\n")}</div></section>
<section id="time"><h2>Time per write</h2>
<p>Median ns per write over interleaved rounds; the pale bars are each engine's fastest–slowest round, the dashed black line the floor (decode + set one pending bit per target, no lookup). ${settingsText(bench)}</p>
<div class="charts">${ns.join("\n")}</div></section>
<section id="ratios"><h2>Ratios vs kvm-linear (Linux ≤ 6.6)</h2>
<p>How many times faster than Linux ≤ 6.6's scan each engine dispatches the same writes, measured in the same rounds. An engine absent from a panel does not support that layout (rfc-affskip and xen assume KVM's default MPIDRs).</p>
${ratioCharts.length > 0 ? ratioCharts.join("\n") : missingBox("Ratio chart", "no ratios to kvm-linear in the results")}
${(bench.floors ?? []).length > 0 ? `<details><summary>Floors (${String((bench.floors ?? []).length)} cells)</summary>${freeTable("floor: decode + one raw pending bit per target; sink-floor: decode + SgiState delivery per target; bigint-floor: floor with a bigint decode", bench.floors ?? [])}</details>` : ""}
<details><summary>Every measured cell (${String(rows.length)} rows)</summary>
${table("All benchmark results", ["engine", "workload", "topology", "vCPUs", "visits/write", "ns/write", "spread", "kvm-linear ÷ engine", "engine ÷ floor"], full, "full")}
</details></section>`;
}

function freeTable(caption: string, objects: readonly object[]): string {
  const rows = objects as readonly Record<string, unknown>[];
  const keys = unique(rows.flatMap((r) => Object.keys(r)));
  const cell = (v: unknown): string =>
    typeof v === "number" ? `<span class="num">${fmt(v)}</span>` : v === null || v === undefined ? "—" : esc(typeof v === "object" ? JSON.stringify(v) : String(v));
  return table(caption, keys.map(esc), rows.map((r) => keys.map((k) => cell(r[k]))));
}

/** JS vs native at the headline size: per cell, each algorithm's JS ns, native ns and their ratio. */
function nativeMatrix(rows: NonNullable<BenchOutput["native"]>): string {
  const sizes = unique(rows.map((r) => r.vcpus)).sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : sizes[sizes.length - 1];
  if (at === undefined) return "";
  const here = rows.filter((r) => r.vcpus === at);
  const algorithms = unique(here.map((r) => String(r.algorithm)));
  const cells = unique(here.map((r) => `${String(r.workload)}|${String(r.topology)}`));
  const body = cells.map((c) => {
    const [w = "", t = ""] = c.split("|");
    return [
      `${esc(w)} <span class="dim">${esc(t)}</span>`,
      ...algorithms.map((a) => {
        const r = here.find((x) => x.algorithm === a && `${x.workload}|${x.topology}` === c);
        if (r === undefined) return "";
        const js = r.jsNsPerWrite === null ? "—" : fmt(r.jsNsPerWrite);
        const ratio = r.jsOverNative === null ? "" : ` <span class="ratio">${fmt(r.jsOverNative)}×</span>`;
        const check = r.visitsMatchJs === false ? ` <span class="bad" title="the native build's visits differ from the JS engine's">visits differ</span>` : "";
        return `${js} / ${fmt(r.nsPerWrite)}${ratio}${check}`;
      }),
    ];
  });
  return table(`JS ns / native ns per write at ${String(at)} vCPUs (<span class="ratio">×</span> = JS ÷ native)`, ["workload", ...algorithms.map(esc)], body, "matrix");
}

function nativeAndMemory(bench: BenchOutput): string {
  const native = bench.native ?? [];
  const memory = bench.memory ?? [];
  const status = bench.nativeStatus;
  return `<section id="native"><h2>JS vs native</h2>
<p>The same algorithms (the floor, kvm-linear's scan and vsgi's lookup) written in C++ and timed on the same writes: how much of each figure is the JavaScript engine and how much the algorithm.</p>
${status?.ran === true ? `<p class="dim">Native build: ${esc(status.compiler ?? "")} ${esc(status.flags ?? "")}</p>` : ""}
${native.length > 0 ? `${nativeMatrix(native)}<details><summary>Every native cell (${String(native.length)} rows)</summary>${freeTable("Native and JS figures per cell", native)}</details>` : missingBox("JS vs native", status?.reason ?? "no native build was measured on this machine")}
${memory.length > 0 ? `<h3>Memory</h3>${freeTable("Memory per engine (bytes)", memory)}` : ""}
</section>`;
}

function intidCounts(byIntid: Readonly<Record<string, number>> | readonly number[]): { intid: number; sgis: number }[] {
  const entries: [number, number][] = Array.isArray(byIntid)
    ? (byIntid as readonly number[]).map((n, i) => [i, n])
    : Object.entries(byIntid as Record<string, number>).map(([k, n]) => [Number(k), n]);
  return entries.filter(([i, n]) => Number.isInteger(i) && n > 0).sort((a, b) => a[0] - b[0]).map(([intid, sgis]) => ({ intid, sgis }));
}

/** The mean of a mean-or-histogram statistic (histogram: value → count). */
export function mean(x: number | Readonly<Record<string, number>>): number {
  if (typeof x === "number") return x;
  let n = 0;
  let sum = 0;
  for (const [k, c] of Object.entries(x)) {
    n += c;
    sum += Number(k) * c;
  }
  return n > 0 ? sum / n : 0;
}

function histText(x: number | Readonly<Record<string, number>>): string {
  if (typeof x === "number") return "";
  const parts = Object.entries(x)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([k, c]) => `${k}: ${fmt(c)}`);
  return parts.length > 0 ? `<br><span class="dim hist">${esc(parts.join(", "))}</span>` : "";
}

/** A share as a percentage; close to 100 % keeps two decimals, so 99.95 % does not read as 100 %. */
export function pct(x: number): string {
  return x < 1 && x >= 0.995 ? `${(Math.floor(x * 10000) / 100).toFixed(2)}%` : `${fmt(x * 100)}%`;
}

function traceName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function tracesSection(results: LabResults): string {
  if (isMissing(results.traces)) return `<section id="traces"><h2>Real guest traces</h2>${missingBox("Trace replay", results.traces.missing)}</section>`;
  const replays = results.traces.replays;
  const ok = replays.filter((r): r is TraceReplay => !("error" in r));
  const failed = replays.filter((r): r is TraceFailure => "error" in r);
  const engines = engineOrder(ok.flatMap((r) => Object.keys(r.engines)));
  const bad = (n: number): string => (n === 0 ? `<span class="ok num">0</span>` : `<span class="bad num">${fmt(n)}</span>`);
  const stats = ok.map((r) => {
    const s = r.stats;
    const cpm = mean(s.clustersPerMulticast);
    return [
      `<span title="${esc(r.trace)}">${esc(traceName(r.trace))}</span>`,
      `<span class="num">${r.bytes === undefined ? "—" : fmt(r.bytes)}</span>`,
      esc(r.topology ?? (r.vcpus === undefined ? "—" : `${String(r.vcpus)} vCPUs`)),
      `<span class="num">${fmt(r.writes)}</span>`,
      `<span class="num">${fmt(r.deliveries)}</span>`,
      `<span class="num">${pct(s.unicastShare)}</span>`,
      `<span class="num">${fmt(mean(s.targetsPerWrite))}</span>${histText(s.targetsPerWrite)}`,
      cpm > 0 ? `<span class="num">${fmt(cpm)}</span>${histText(s.clustersPerMulticast)}` : `<span class="dim">no multicast</span>`,
      `<span class="num">${typeof s.crossClusterShare === "number" ? pct(s.crossClusterShare) : "—"}</span>`,
      `<span class="num">${fmt(s.irm)}</span>`,
      r.oracle.checked > 0 ? `${bad(r.oracle.mismatches)} <span class="dim">of ${fmt(r.oracle.checked)}</span>` : `<span class="dim">no deliveries recorded</span>`,
    ];
  });
  const mism = ok.map((r) => [
    esc(traceName(r.trace)),
    ...engines.map((e) => {
      const x = r.engines[e];
      if (x === undefined) return "";
      if ("unsupported" in x) return `<span class="dim" title="${esc(String(x.unsupported))}">unsupported</span>`;
      return `${bad(x.mismatches)}<br><span class="dim">${fmt(r.writes > 0 ? x.visits / r.writes : 0)} visits/write</span>`;
    }),
  ]);
  const charts = ok.map((r) => intidChart(`SGIs per INTID — ${traceName(r.trace)}`, intidCounts(r.stats.byIntid)));
  const intids = unique(ok.flatMap((r) => intidCounts(r.stats.byIntid).map((c) => c.intid))).sort((a, b) => a - b);
  const intidRows = intids.map((i) => [
    `<span class="num">${String(i)}</span>`,
    esc(LINUX_ARM64_IPI_NAMES[String(i)] ?? "—"),
    ...ok.map((r) => {
      const n = intidCounts(r.stats.byIntid).find((c) => c.intid === i)?.sgis ?? 0;
      return `<span class="num">${fmt(n)}</span> <span class="ratio">${r.writes > 0 ? pct(n / r.writes) : ""}</span>`;
    }),
  ]);
  const firstBad = ok.filter((r) => r.oracle.mismatches > 0 && r.oracle.firstMismatch !== undefined && r.oracle.firstMismatch !== null);
  return `<section id="traces"><h2>Real guest traces</h2>
<p>Each trace is a real Linux guest's SGI writes (QEMU's <code>gicv3_icc_generate_sgi</code> events) with the deliveries QEMU made (<code>gicv3_redist_send_sgi</code>). Every write is replayed through every engine and compared with the reference model and with QEMU's recorded deliveries; any mismatch is shown in red.</p>
${table("Trace statistics", ["trace", "size (bytes)", "topology", "writes", "deliveries", "unicast share", "targets / write (mean; histogram)", "clusters / multicast (mean; histogram)", "to another cluster", "IRM writes", "vs QEMU (mismatches)"], stats)}
${table("Mismatches per engine (vs the reference model) and mean visits per write", ["trace", ...engines.map(esc)], mism, "matrix")}
${firstBad.map((r) => `<p class="bad">${esc(traceName(r.trace))}: first mismatch with QEMU: <code>${esc(JSON.stringify(r.oracle.firstMismatch))}</code></p>`).join("")}
${failed.map((f) => `<p class="bad">${esc(traceName(f.trace))} could not be replayed: ${esc(f.error)}</p>`).join("")}
${ok.length === 0 && failed.length === 0 ? missingBox("Traces", "no trace was found to replay") : ""}
<div class="charts">${charts.join("\n")}</div>
${intidRows.length > 0 ? table("SGIs per INTID, with the Linux arm64 IPI each INTID carries (Linux ≤ 6.6 numbering)", ["INTID", "Linux IPI", ...ok.map((r) => esc(traceName(r.trace)))], intidRows, "counts") : ""}
</section>`;
}

const pctCell = (x: number | null | undefined): string => (x === null || x === undefined ? `<span class="dim">n/a</span>` : pct(x));

/** The cost model: the answer, the priced terms with their sources, lookup share per size, break-even sizes. */
function modelSection(results: LabResults): string {
  const model = results.model;
  const head = `<section id="model"><h2>Cost model: lookup share of a whole vSGI</h2>`;
  if (isMissing(model)) return `${head}${missingBox("Cost model", model.missing)}</section>`;
  const m = model.machine;
  const terms = (
    [
      ["trap / exit", m.trapExit],
      ["decode", m.decode],
      ["per vCPU visited", m.perVisit],
      ["pending update", m.pendingUpdate],
      ["kick + target entry (list registers)", m.kickAndEntry],
      ["direct vSGI (GICv4.1)", m.directSgi],
    ] as const
  ).map(([name, t]) => [esc(name), `<span class="num">${fmt(t.ns)}</span>`, esc(t.how), esc(t.sources.join(", "))]);
  const rows = model.rows;
  const engines = engineOrder(rows.map((r) => r.engine));
  const workloads = unique(rows.map((r) => r.workload));
  const deliveries = unique(rows.map((r) => r.delivery));
  const sizes = unique(rows.map((r) => r.vcpus)).sort((a, b) => a - b);
  const at = sizes.includes(HEADLINE_VCPUS) ? HEADLINE_VCPUS : (sizes[sizes.length - 1] ?? 0);
  const chartOf = (w: string): string =>
    shareChart(
      `Lookup share of one vSGI — ${w} (list-register delivery)`,
      "↑ lookup ÷ whole vSGI cost (%)",
      rows.flatMap((r) => (r.workload === w && r.delivery === "list-registers" && r.lookupShare !== null ? [{ engine: r.engine, vcpus: r.vcpus, y: r.lookupShare }] : [])),
    );
  // The fitted real-trace mixes look like the Linux profiles; fold their charts away.
  const charts = workloads.filter((w) => !w.startsWith("trace:")).map(chartOf);
  const traceCharts = workloads.filter((w) => w.startsWith("trace:")).map(chartOf);
  const shareRows = workloads.flatMap((w) =>
    deliveries.map((d) => [
      `${esc(w)} <span class="dim">${esc(d)}</span>`,
      ...engines.map((e) => pctCell(rows.find((r) => r.workload === w && r.delivery === d && r.engine === e && r.vcpus === at)?.lookupShare)),
    ]),
  );
  const beRows = workloads.flatMap((w) =>
    deliveries.map((d) => [
      `${esc(w)} <span class="dim">${esc(d)}</span>`,
      ...engines.map((e) => {
        const b = model.breakEven.find((x) => x.workload === w && x.delivery === d && x.engine === e);
        if (b === undefined) return "";
        const unsupported = rows.every((r) => r.workload !== w || r.engine !== e || r.lookupShare === null);
        return unsupported ? `<span class="dim">unsupported</span>` : b.vcpus === null ? `<span class="ok">never</span>` : `from ${String(b.vcpus)}`;
      }),
    ]),
  );
  const traces = model.traces.map((t) => `<li>${esc(traceName(t.trace))}: ${String(t.vcpus)} vCPUs, ${fmt(t.writes)} writes, ${pct(t.stats.unicastShare)} unicast</li>`);
  return `${head}
<p><strong>${esc(model.question)}</strong></p>
<p class="answer">${esc(model.answer)}</p>
<p class="dim"><code>${esc(model.formula)}</code></p>
${table(`Priced terms: ${esc(m.name)} — ${esc(m.description)}`, ["term", "ns", "how", "sources"], terms)}
<div class="charts">${charts.join("\n")}</div>
${traceCharts.length > 0 ? `<details><summary>The same for the ${String(traceCharts.length)} real-trace mixes</summary><div class="charts">${traceCharts.join("\n")}</div></details>` : ""}
${table(`Lookup share of a whole vSGI at ${String(at)} vCPUs (${esc(model.layout)} layout)`, ["workload / delivery", ...engines.map(esc)], shareRows, "matrix")}
${table(`VM size from which the lookup exceeds ${pct(model.threshold)} of a whole vSGI (sizes ${sizes.join(", ")})`, ["workload / delivery", ...engines.map(esc)], beRows, "matrix")}
${traces.length > 0 ? `<p>Real-trace mixes (a Linux-guest profile fitted to each bundled trace's statistics, then priced at every size):</p><ul>${traces.join("")}</ul>` : ""}
<details><summary>Sources</summary><ul>${model.citations.map((c) => `<li>[${esc(c.id)}] ${esc(c.text)}</li>`).join("")}</ul></details>
</section>`;
}

/** Example writes for the explorer: value, what it shows. */
const EXAMPLES: readonly (readonly [string, string])[] = [
  ["0x011F8001", "two targets in cluster 31"],
  ["0x0101FFFF", "a whole cluster"],
  ["0x10000000000", "IRM: all but self"],
  ["0x100000000001", "RS = 1 without RSS"],
  ["0x10000000", "a RES0 bit set"],
];

function explorerSection(script: ExplorerScript): string {
  const initial = { value: "0x011F8001", register: "sgi1r" as const, topology: "kvm:512", sender: 3, lenient: false };
  const x = explore(initial);
  const options = EXPLORER_REGISTERS.map((r) => `<option value="${r}"${r === initial.register ? " selected" : ""}>${r}</option>`).join("");
  const presets = [
    ["kvm", "kvm — KVM default (clusters of 16)"],
    ["qemu", "qemu — QEMU virt GICv3"],
    ["sparse", "sparse — 4-socket host mirror"],
  ]
    .map(([v, l]) => `<option value="${v ?? ""}"${v === "kvm" ? " selected" : ""}>${esc(l ?? "")}</option>`)
    .join("");
  const note =
    "js" in script
      ? `<noscript><p class="missing">The explorer needs JavaScript; below is the pre-computed example ${esc(initial.value)} from vCPU 3 on kvm:512.</p></noscript>`
      : missingBox("Live explorer", script.missing);
  return `<section id="explorer"><h2>Route explorer</h2>
<p>Type or paste a register value and pick the register, layout and sender: the page decodes it and routes it on every engine, live, with vsgi's own codec, topology presets and engines compiled for the browser.</p>
${note}
<form id="x-form" autocomplete="off">
<label>value <input id="x-value" name="value" value="${esc(initial.value)}" spellcheck="false" size="22"></label>
<label>register <select id="x-register" name="register">${options}</select></label>
<label>layout <select id="x-preset" name="preset">${presets}</select></label>
<label>vCPUs <input id="x-vcpus" name="vcpus" type="number" min="1" max="4096" value="512"></label>
<label>sender <input id="x-sender" name="sender" type="number" min="0" value="${String(initial.sender)}"></label>
<label><input id="x-lenient" name="lenient" type="checkbox"> ignore RES0 bits</label>
</form>
<p class="examples">Examples: ${EXAMPLES.map(([v, what]) => `<button type="button" class="x-example" data-value="${v}" title="${esc(what)}">${esc(what)}</button>`).join(" ")}</p>
<p id="x-error" class="error" role="alert" hidden></p>
<div id="x-out">
<p id="x-summary">${renderSummary(x)}</p>
<ul id="x-warnings" class="warnings">${renderWarnings(x)}</ul>
<div class="explorer-tables"><table id="x-fields">${renderFields(x)}</table><table id="x-engines">${renderEngines(x)}</table></div>
<p class="legend-key">vCPUs by cluster (row = Aff3.Aff2.Aff1, column = Aff0): <span class="cell target">n</span> target, <span class="cell sender">n</span> sender.</p>
<div id="x-grid" class="grid" aria-label="vCPUs by cluster; targets highlighted">${renderGrid(x)}</div>
</div>
${"js" in script ? `<script>${script.js}</script>` : ""}
</section>`;
}

const METHOD = `<section id="method"><h2>How each number was measured</h2>
<dl>
<dt>Visits per write</dt><dd>Counted, not timed: each engine returns how many vCPU records or table slots it examined for each write of the batch (directory lookups excluded); the figure is the mean over the batch. Deterministic: the same on any machine.</dd>
<dt>ns per write</dt><dd>For each layout × workload cell, one seeded batch of encoded register writes is generated, then every engine and the floors decode and dispatch the whole batch in timed passes, repeated in interleaved rounds (every engine once per round, in rotated order, so load on a shared machine hits all of them alike). Each engine runs in its own compiled runner so its call sites stay monomorphic. The median over the rounds is reported; the spread is the fastest and slowest round, and (max − min) ÷ median in %.</dd>
<dt>Floors</dt><dd><em>floor</em>: decode the register and set one raw pending bit per true target, no lookup — the least any engine can cost. <em>sink-floor</em>: the same through the SGI state's delivery. <em>bigint-floor</em>: the floor with a bigint decode, to show what carrying the register as a bigint would cost.</dd>
<dt>Ratios</dt><dd>kvm-linear ÷ engine and engine ÷ floor are ratios of medians from the same rounds on the same machine.</dd>
<dt>JS vs native</dt><dd>The floor, kvm-linear's scan and vsgi's lookup written in C++, compiled with the flags shown, timed on the same writes with the same rounds; visits are compared with the JS engines' to check that both run the same algorithm.</dd>
<dt>Real traces</dt><dd>Recorded by running Linux guests under QEMU with the <code>gicv3_icc_generate_sgi</code> and <code>gicv3_redist_send_sgi</code> trace events. The replay decodes every write, routes it on every engine and compares each engine's targets with the reference model, and the reference model's with the deliveries QEMU recorded. Statistics are computed from the reference model's deliveries.</dd>
<dt>Cost model</dt><dd>Visits counted on the engines themselves for seeded writes of each workload (and of a profile fitted to each real trace) at each VM size, priced with published per-visit, trap and delivery costs (sources listed in the section). A model, not a measurement of a hypervisor.</dd>
<dt>Engines</dt><dd>reference: the specification written for clarity. kvm-linear: Linux ≤ 6.6 scan in vCPU order. rfc-affskip: the 2023 RFC computing ids from affinity (KVM default layout only). kvm-mpidr-index: Linux ≥ 6.7 compressed MPIDR index (linear walk when the table does not fit a page). qemu-scan: QEMU TCG's scan of every CPU. xen: Xen's arithmetic from Aff1 and TargetList (fixed layout only). vsgi: a cluster directory and count-trailing-zeros over the TargetList.</dd>
<dt>Route explorer</dt><dd>The same TypeScript modules as the <code>vsgi route</code> command (register codec, topology presets, engines), bundled with esbuild into this page.</dd>
</dl></section>`;

/**
 * The report page for a lab run.
 * @example renderReport(results, { js: await buildExplorerBundle() }) // "<!doctype html>…"
 */
export function renderReport(results: LabResults, explorer: ExplorerScript): string {
  return dedupeStyles(renderPage(results, explorer));
}

/** Plot repeats the same `<style>` in every chart; keep the first copy of each. */
function dedupeStyles(html: string): string {
  const seen = new Set<string>();
  return html.replace(/<style>([\s\S]*?)<\/style>/g, (all: string, css: string) => {
    if (seen.has(css)) return "";
    seen.add(css);
    return all;
  });
}

function renderPage(results: LabResults, explorer: ExplorerScript): string {
  const m = results.machine;
  const missing: string[] = [];
  if (isMissing(results.bench)) missing.push(`benchmark: ${results.bench.missing}`);
  if (isMissing(results.traces)) missing.push(`trace replay: ${results.traces.missing}`);
  if (isMissing(results.model)) missing.push(`cost model: ${results.model.missing}`);
  if ("missing" in explorer) missing.push(`route explorer: ${explorer.missing}`);
  const bench = isMissing(results.bench)
    ? `<section id="headline"><h2>Headline</h2>${missingBox("Benchmark", results.bench.missing)}</section>`
    : `${headline(results.bench)}\n${benchCharts(results.bench)}\n${nativeAndMemory(results.bench)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>vsgi lab report — ${esc(m.date)}</title>
<style>${STYLE}</style></head>
<body><header><h1>vsgi lab report</h1>
<p>Virtual GIC SGI dispatch: vsgi vs the historical algorithms (KVM, the 2023 RFC, QEMU, Xen), on synthetic workloads and real guest traces.</p>
<p class="machine">${esc(machineText(m))}${loadText(results)} · ${esc(m.date)} · ${results.options.quick ? "quick run" : "full run"} · lab took ${fmt(results.durationMs / 1000)} s · vsgi ${esc(results.tool.version)}</p>
<nav><a href="#headline">headline</a> <a href="#visits">visits</a> <a href="#time">time</a> <a href="#ratios">ratios</a> <a href="#native">native</a> <a href="#traces">traces</a> <a href="#model">cost model</a> <a href="#explorer">explorer</a> <a href="#method">method</a></nav>
${missing.length > 0 ? `<div class="missing"><strong>Missing from this run</strong><ul>${missing.map((s) => `<li>${esc(s)}</li>`).join("")}</ul></div>` : ""}
${(results.notes ?? []).length > 0 ? `<div class="missing notes"><strong>Notes on this run</strong><ul>${(results.notes ?? []).map((s) => `<li>${esc(s)}</li>`).join("")}</ul></div>` : ""}
</header><main>
${bench}
${tracesSection(results)}
${modelSection(results)}
${explorerSection(explorer)}
${METHOD}
</main><footer><p>Raw figures: <code>results.json</code> next to this file. Generated by <code>vsgi lab</code>.</p></footer></body></html>
`;
}
