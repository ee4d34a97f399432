/** Shaping the lab's results for the page: groupings, keys, floors per cell, INTID counts. */
import { fmt } from "./format.ts";
import type { BenchOutput, BenchResult } from "./types.ts";

/** The VM size the headline compares engines at (KVM's maximum on arm64). */
export const HEADLINE_VCPUS = 512;

export const unique = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

export function layoutOf(r: BenchResult): string {
  return typeof r.layout === "string" ? r.layout : family(r.topology);
}

function family(topology: string): string {
  return topology.includes(":") ? (topology.split(":")[0] ?? topology) : topology;
}

/** The fastest–slowest round of a result, in ns. */
export function roundRange(r: BenchResult): [number, number] | undefined {
  return r.nsPerWrite !== null && r.minNs !== null && r.maxNs !== null ? [r.minNs, r.maxNs] : undefined;
}

export function spreadText(r: BenchResult): string {
  const range = roundRange(r);
  const rel = r.spread === null ? "" : ` (${fmt(r.spread * 100)}%)`;
  return range === undefined ? "" : `${fmt(range[0])}–${fmt(range[1])}${rel}`;
}

/** The floor (decode + set one pending bit per target) in ns per (workload, topology), when measured. */
export function floorOf(bench: BenchOutput): Map<string, number> {
  const rows = bench.results;
  const out = new Map<string, number>();
  for (const f of bench.floors ?? []) if (f.kind === "floor") out.set(`${f.workload}|${f.topology}`, f.nsPerWrite);
  for (const r of rows) {
    const key = `${r.workload}|${r.topology}`;
    if (!out.has(key) && r.nsPerWrite !== null && typeof r.vsFloor === "number" && r.vsFloor > 0) out.set(key, r.nsPerWrite / r.vsFloor);
  }
  return out;
}

export function cellKey(r: BenchResult): string {
  return `${r.workload}|${r.topology}`;
}

export function intidCounts(byIntid: Readonly<Record<string, number>> | readonly number[]): { intid: number; sgis: number }[] {
  const entries: [number, number][] = Array.isArray(byIntid)
    ? (byIntid as readonly number[]).map((n, i) => [i, n])
    : Object.entries(byIntid as Record<string, number>).map(([k, n]) => [Number(k), n]);
  return entries.filter(([i, n]) => Number.isInteger(i) && n > 0).sort((a, b) => a[0] - b[0]).map(([intid, sgis]) => ({ intid, sgis }));
}
