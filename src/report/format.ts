/**
 * The report's text formatting: numbers (3 significant digits), percentages, HTML escaping and
 * the machine line. Pure and browser-safe (the explorer's bundle uses `esc`); `vsgi lab`'s
 * summary uses the same functions so the terminal and the page agree.
 */
import type { LabResults } from "./types.ts";

/** A number with 3 significant digits, or with grouping when large. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  if (Number.isInteger(n)) return String(n);
  return Number(n.toPrecision(3)).toString();
}

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

export const num = (v: number | null | undefined, suffix = ""): string => (v === null || v === undefined || !Number.isFinite(v) ? "—" : `${fmt(v)}${suffix}`);

/** A share as a percentage; close to 100 % keeps two decimals, so 99.95 % does not read as 100 %. */
export function pct(x: number): string {
  return x < 1 && x >= 0.995 ? `${(Math.floor(x * 10000) / 100).toFixed(2)}%` : `${fmt(x * 100)}%`;
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

export const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** "2 × AMD EPYC, Node v20…". */
export function machineText(m: LabResults["machine"]): string {
  const model = typeof m.cpuModel === "string" ? ` × ${m.cpuModel}` : "";
  return `${String(m.cpus)}${model} CPUs, Node ${m.node}`;
}

export function traceName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
