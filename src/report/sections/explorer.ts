/** The route explorer section: the form, the pre-rendered default example and the inlined script. */
import { explore, EXPLORER_REGISTERS } from "../explorer/explore.ts";
import { renderEngines, renderFields, renderGrid, renderSummary, renderWarnings } from "../explorer/view.ts";
import { esc } from "../format.ts";
import { missingBox } from "../markup.ts";

/** The explorer's script, or why it is absent. */
export type ExplorerScript = { readonly js: string } | { readonly missing: string };

/** Example writes for the explorer: value, what it shows. */
const EXAMPLES: readonly (readonly [string, string])[] = [
  ["0x011F8001", "two targets in cluster 31"],
  ["0x0101FFFF", "a whole cluster"],
  ["0x10000000000", "IRM: all but self"],
  ["0x100000000001", "RS = 1 without RSS"],
  ["0x10000000", "a RES0 bit set"],
];

export function explorerSection(script: ExplorerScript): string {
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
