/** Small HTML builders every section uses: tables, "not in this run" boxes, histogram notes. */
import { esc, fmt, pct } from "./format.ts";
import { unique } from "./shape.ts";

export function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  return `<div class="scroll"><table${cls === "" ? "" : ` class="${cls}"`}><caption>${caption}</caption><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

export function missingBox(what: string, why: string): string {
  return `<p class="missing"><strong>${esc(what)} not in this run:</strong> ${esc(why)}</p>`;
}

export function freeTable(caption: string, objects: readonly object[]): string {
  const rows = objects as readonly Record<string, unknown>[];
  const keys = unique(rows.flatMap((r) => Object.keys(r)));
  const cell = (v: unknown): string =>
    typeof v === "number" ? `<span class="num">${fmt(v)}</span>` : v === null || v === undefined ? "—" : esc(typeof v === "object" ? JSON.stringify(v) : String(v));
  return table(caption, keys.map(esc), rows.map((r) => keys.map((k) => cell(r[k]))));
}

export function histText(x: number | Readonly<Record<string, number>>): string {
  if (typeof x === "number") return "";
  const parts = Object.entries(x)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([k, c]) => `${k}: ${fmt(c)}`);
  return parts.length > 0 ? `<br><span class="dim hist">${esc(parts.join(", "))}</span>` : "";
}

export const pctCell = (x: number | null | undefined): string => (x === null || x === undefined ? `<span class="dim">n/a</span>` : pct(x));
