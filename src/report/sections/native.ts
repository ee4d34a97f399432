/** The JS-vs-native section (the C++ anchor beside the JS figures) and memory per engine. */
import { esc, fmt } from "../format.ts";
import { freeTable, missingBox, table } from "../markup.ts";
import { HEADLINE_VCPUS, unique } from "../shape.ts";
import type { BenchOutput } from "../types.ts";

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

export function nativeAndMemory(bench: BenchOutput): string {
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
