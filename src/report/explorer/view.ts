/**
 * The route explorer's HTML, as strings: used by the page script in the browser and by the
 * report renderer in Node to pre-render the default example (so the page shows it without
 * JavaScript).
 */
import { esc } from "../format.ts";
import type { Exploration } from "./explore.ts";

function hexField(v: number, bits: string): string {
  const [hi = "0", lo = hi] = bits.split(":");
  const width = Math.ceil((Number(hi) - Number(lo) + 1) / 4);
  return `0x${v.toString(16).padStart(width, "0")}`;
}

/** The decoded-fields table's content. */
export function renderFields(x: Exploration): string {
  const rows = x.fields
    .map((f) => `<tr><th scope="row">${esc(f.name)}</th><td class="num">${esc(f.bits)}</td><td class="num">${esc(hexField(f.value, f.bits))}</td><td class="num">${String(f.value)}</td><td>${esc(f.note)}</td></tr>`)
    .join("");
  return `<caption>${esc(x.registerName)} = ${esc(x.hex)}</caption><thead><tr><th>field</th><th>bits</th><th>hex</th><th>decimal</th><th>meaning</th></tr></thead><tbody>${rows}</tbody>`;
}

/** The per-engine table's content. */
export function renderEngines(x: Exploration): string {
  const rows = x.engines
    .map((e) => {
      const name = `${esc(e.engine)}${e.peer !== undefined ? ` <small>${esc(e.peer)}</small>` : ""}`;
      const rules = (e.rules ?? []).map((r) => `<br><small class="rule">${esc(r)}</small>`).join("");
      return "unsupported" in e
        ? `<tr data-engine="${esc(e.engine)}"><th scope="row">${name}</th><td class="num">—</td><td class="unsupported" colspan="2">unsupported: ${esc(e.unsupported)}${rules}</td></tr>`
        : `<tr data-engine="${esc(e.engine)}"><th scope="row">${name}</th><td class="num visits">${String(e.visits)}</td><td class="num">${String(e.targets.length)}</td><td class="${e.agrees ? "ok" : "bad"}">${e.agrees ? "same targets as reference" : "DIFFERS from reference"}${rules}</td></tr>`;
    })
    .join("");
  return `<caption>Each engine on this write (visits = vCPU records or table slots examined)</caption><thead><tr><th>engine</th><th>visits</th><th>targets</th><th>check</th></tr></thead><tbody>${rows}</tbody>`;
}

/** The vCPU grid by cluster, targets highlighted. */
export function renderGrid(x: Exploration): string {
  const target = new Set(x.targets);
  const width = x.clusters[0]?.slots.length ?? 16;
  const head = Array.from({ length: width }, (_, i) => `<span class="aff0">${String(i)}</span>`).join("");
  const rows = x.clusters
    .map((row) => {
      const cells = row.slots
        .map((v) => {
          if (v < 0) return `<span class="cell empty" title="no vCPU"></span>`;
          const cls = `cell${target.has(v) ? " target" : ""}${v === x.sender ? " sender" : ""}`;
          return `<span class="${cls}" data-vcpu="${String(v)}" title="vCPU ${String(v)}">${String(v)}</span>`;
        })
        .join("");
      return `<div class="row"><span class="cl">${esc(row.label)}</span>${cells}</div>`;
    })
    .join("");
  return `<div class="row head"><span class="cl">cluster \\ Aff0</span>${head}</div>${rows}`;
}

/** A target list, shortened when long. */
export function formatTargets(t: readonly number[]): string {
  if (t.length === 0) return "none";
  return t.length > 32 ? `${t.slice(0, 32).join(", ")}, … (${String(t.length)} in all)` : t.join(", ");
}

/** One sentence: sender, topology and targets. */
export function renderSummary(x: Exploration): string {
  return (
    `From vCPU ${String(x.sender)} on ${esc(x.topology)} (${String(x.vcpus)} vCPUs in ${String(x.clusters.length)} clusters): ` +
    `<strong id="x-targets">${String(x.targets.length)} target${x.targets.length === 1 ? "" : "s"}: ${esc(formatTargets(x.targets))}</strong>`
  );
}

/** The warnings list's content. */
export function renderWarnings(x: Exploration): string {
  return x.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
}
