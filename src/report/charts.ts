/**
 * The report's charts: Observable Plot rendered to SVG at build time in Node, on linkedom's
 * server-side DOM, so the HTML needs no script to show them. Every chart has a title, axis
 * labels with units and a legend; one colour per engine across all charts.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { orderEngines } from "../engines/registry.ts";
import { fmt } from "./format.ts";

/** Colour of each engine in every chart (vsgi stands out; the reference is grey). */
export const ENGINE_COLORS: Readonly<Record<string, string>> = {
  reference: "#9a9a9a",
  "kvm-linear": "#d62728",
  "rfc-affskip": "#ff7f0e",
  "kvm-mpidr-index": "#9467bd",
  "qemu-scan": "#8c564b",
  xen: "#17becf",
  vsgi: "#2ca02c",
  floor: "#222222",
};

const engineDomain = (present: Iterable<string>): string[] => orderEngines(present, ["floor"]);

function colorScale(present: Iterable<string>): Plot.ScaleOptions {
  const domain = engineDomain(present);
  return { domain, range: domain.map((e) => ENGINE_COLORS[e] ?? "#444"), legend: true };
}

/** Renders Plot options to an HTML `<figure>` (SVG inside) string. */
export function renderPlot(options: Plot.PlotOptions): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const el = Plot.plot({ ...options, document: document as unknown as Document });
  return roundGeometry((el as unknown as { outerHTML: string }).outerHTML);
}

const GEOMETRY_ATTR = /(\s(?:d|transform|x|y|x1|x2|y1|y2|cx|cy|r|width|height|points)=")([^"]*)"/g;

/** Rounds coordinates to 0.1 px (Plot prints 15 digits): a third of the SVG's size, no visible change. */
function roundGeometry(svg: string): string {
  return svg.replace(GEOMETRY_ATTR, (_, head: string, value: string) => `${head}${value.replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`);
}

/** One point of a per-engine line over VM size. */
export interface SeriesPoint {
  readonly engine: string;
  readonly vcpus: number;
  readonly y: number;
  /** Spread low/high (same unit as y), when measured. */
  readonly lo?: number;
  readonly hi?: number;
}

/**
 * The measured VM sizes, as the x ticks. The axes are log base 2 because a base-10 log axis
 * (d3 tickFormat) blanks the labels of 4, 64, 512 and 4096.
 */
const sizesOf = (points: readonly { readonly vcpus: number }[]): number[] => [...new Set(points.map((p) => p.vcpus))].sort((a, b) => a - b);

/** The frame every per-VM-size chart shares: size, margins, grid and a base-2 log x axis labelled at each measured size. */
function vcpuFrame(title: string, points: readonly { readonly vcpus: number }[], width = 520): Plot.PlotOptions {
  return {
    title,
    width,
    height: 340,
    marginLeft: 56,
    marginBottom: 42,
    grid: true,
    ariaLabel: title,
    x: { type: "log", base: 2, label: "vCPUs in the VM (log scale) →", labelAnchor: "center", labelOffset: 36, tickFormat: (d: number) => String(d), ticks: sizesOf(points) },
  };
}

/** Visits per write against vCPUs, log–log, one line per engine. */
export function visitsChart(title: string, points: readonly SeriesPoint[]): string {
  const data = points.filter((p) => p.y > 0);
  return renderPlot({
    ...vcpuFrame(title, points),
    y: { type: "log", label: "↑ visits per write (vCPU records examined, log scale)", tickFormat: "~s" },
    color: colorScale(data.map((d) => d.engine)),
    marks: [
      Plot.line(data, { x: "vcpus", y: "y", stroke: "engine", strokeWidth: 2 }),
      Plot.dot(data, { x: "vcpus", y: "y", fill: "engine", r: 3, tip: true, title: (d: SeriesPoint) => `${d.engine}: ${fmt(d.y)} visits at ${String(d.vcpus)} vCPUs` }),
    ],
  });
}

/** ns per write against vCPUs (log x), one line per engine, spread as a band, the floor dashed. */
export function nsChart(title: string, points: readonly SeriesPoint[], floor: readonly { readonly vcpus: number; readonly y: number }[]): string {
  const data = points.filter((p) => p.y > 0);
  const withSpread = data.filter((p) => p.lo !== undefined && p.hi !== undefined && p.lo > 0);
  const floorPts = floor.filter((f) => f.y > 0).map((f) => ({ ...f, engine: "floor" }));
  const spreadEngines = engineDomain(withSpread.map((p) => p.engine));
  return renderPlot({
    ...vcpuFrame(title, points),
    y: { type: "log", label: "↑ ns per write (median, log scale)", tickFormat: "~s" },
    color: colorScale([...data.map((d) => d.engine), ...(floorPts.length > 0 ? ["floor"] : [])]),
    marks: [
      // One spread bar per engine, side by side around the size, so the bars do not cover each other.
      ...spreadEngines.map((e, i) =>
        Plot.ruleX(
          withSpread.filter((p) => p.engine === e),
          { x: "vcpus", y1: "lo", y2: "hi", stroke: "engine", strokeWidth: 3, strokeOpacity: 0.35, dx: (i - (spreadEngines.length - 1) / 2) * 3.5 },
        ),
      ),
      Plot.line(data, { x: "vcpus", y: "y", stroke: "engine", strokeWidth: 2 }),
      Plot.dot(data, { x: "vcpus", y: "y", fill: "engine", r: 3, title: (d: SeriesPoint) => `${d.engine}: ${fmt(d.y)} ns at ${String(d.vcpus)} vCPUs` }),
      Plot.line(floorPts, { x: "vcpus", y: "y", stroke: "engine", strokeDasharray: "4,3", strokeWidth: 1.5 }),
    ],
  });
}

/** One ratio of an engine to kvm-linear on a workload. */
export interface RatioPoint {
  readonly engine: string;
  readonly workload: string;
  readonly ratio: number;
}

/** Speed-up over kvm-linear (its ns ÷ the engine's; log x, > 1 = faster): a row per engine, a panel per workload. */
export function ratioChart(title: string, points: readonly RatioPoint[]): string {
  const data = points.filter((p) => p.ratio > 0);
  const workloads = [...new Set(data.map((d) => d.workload))];
  const engines = engineDomain(data.map((d) => d.engine));
  return renderPlot({
    title,
    width: 900,
    height: 70 + workloads.length * (engines.length * 15 + 12),
    marginLeft: 120,
    marginRight: 170,
    grid: true,
    ariaLabel: title,
    x: { type: "log", label: "speed-up over kvm-linear: its ns per write ÷ the engine's (log scale; > 1 is faster) →", tickFormat: "~g" },
    y: { label: null, domain: engines, tickSize: 0 },
    fy: { label: null, domain: workloads, padding: 0.15 },
    color: colorScale(engines),
    facet: { marginRight: 170 },
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.ruleX([1], { stroke: "#d62728", strokeDasharray: "3,3" }),
      Plot.ruleY(data, { x1: 1, x2: "ratio", y: "engine", fy: "workload", stroke: "engine", strokeOpacity: 0.5 }),
      Plot.dot(data, { x: "ratio", y: "engine", fy: "workload", fill: "engine", r: 4, title: (d: RatioPoint) => `${d.engine} on ${d.workload}: ${fmt(d.ratio)}× as fast as kvm-linear` }),
      Plot.text(data, { x: "ratio", y: "engine", fy: "workload", text: (d: RatioPoint) => `${fmt(d.ratio)}×`, dx: 8, textAnchor: "start", fontSize: 9 }),
    ],
  });
}

/** SGIs per INTID of one trace, as bars. */
export function intidChart(title: string, counts: readonly { readonly intid: number; readonly sgis: number }[]): string {
  return renderPlot({
    title,
    width: 420,
    height: 240,
    marginLeft: 56,
    ariaLabel: title,
    x: { label: "INTID (SGI number) →", domain: counts.map((c) => c.intid), tickFormat: "d" },
    y: { label: "↑ SGIs written", grid: true, tickFormat: ",d" },
    color: { legend: true, domain: ["SGIs per INTID"], range: ["#4269d0"] },
    marks: [Plot.barY(counts, { x: "intid", y: "sgis", fill: () => "SGIs per INTID", title: (d: { intid: number; sgis: number }) => `INTID ${String(d.intid)}: ${String(d.sgis)}` }), Plot.ruleY([0])],
  });
}

/** A share (0..1) per engine and VM size, e.g. the lookup share of a whole vSGI. */
export function shareChart(title: string, yLabel: string, points: readonly SeriesPoint[]): string {
  return renderPlot({
    ...vcpuFrame(title, points, 620),
    y: { label: yLabel, domain: [0, 100], tickFormat: (v: number) => `${String(v)}%` },
    color: colorScale(points.map((d) => d.engine)),
    marks: [
      Plot.line(points, { x: "vcpus", y: (d: SeriesPoint) => d.y * 100, stroke: "engine", strokeWidth: 2 }),
      Plot.dot(points, { x: "vcpus", y: (d: SeriesPoint) => d.y * 100, fill: "engine", r: 3 }),
    ],
  });
}
