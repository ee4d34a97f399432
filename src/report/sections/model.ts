/** The cost-model section: the answer, the priced terms, lookup shares and break-even sizes. */
import { orderEngines } from "../../engines/registry.ts";
import { shareChart } from "../charts.ts";
import { esc, fmt, pct, traceName } from "../format.ts";
import { missingBox, pctCell, table } from "../markup.ts";
import { HEADLINE_VCPUS, unique } from "../shape.ts";
import { isMissing, type LabResults } from "../types.ts";

/** The cost model: the answer, the priced terms with their sources, lookup share per size, break-even sizes. */
export function modelSection(results: LabResults): string {
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
  const engines = orderEngines(rows.map((r) => r.engine));
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
        const projection = b.vcpus === null ? undefined : rows.find((r) => r.engine === e && r.vcpus === b.vcpus)?.projection;
        return unsupported
          ? `<span class="dim">unsupported</span>`
          : b.vcpus === null
            ? `<span class="ok">never</span>`
            : `from ${String(b.vcpus)}${projection === undefined ? "" : ` <span class="dim">${esc(projection)}</span>`}`;
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
${table(`Lookup share of a whole vSGI at ${String(at)} vCPUs (${esc(model.layout)} layout)`, ["workload / delivery", ...engines.map((e) => { const p = rows.find((r) => r.engine === e && r.vcpus === at)?.projection; return p === undefined ? esc(e) : `${esc(e)}<br><span class="dim">${esc(p)}</span>`; })], shareRows, "matrix")}
<p class="dim">Peers' limits: KVM 512 vCPUs, QEMU virt 512, Xen 128; shares past them (charts included) are projections of the algorithm, not VMs the peer can create. KVM ≥ 6.7's index is modelled with ${String(((model.pageSize as number | undefined) ?? 4096) / 1024)} KiB host pages (its table holds at most 10, 12 or 14 varying affinity bits with 4, 16 or 64 KiB; <code>vsgi model --page-size</code>).</p>
${table(`VM size from which the lookup exceeds ${pct(model.threshold)} of a whole vSGI (sizes ${sizes.join(", ")})`, ["workload / delivery", ...engines.map(esc)], beRows, "matrix")}
${traces.length > 0 ? `<p>Real-trace mixes (a Linux-guest profile fitted to each bundled trace's statistics, then priced at every size):</p><ul>${traces.join("")}</ul>` : ""}
<details><summary>Sources</summary><ul>${model.citations.map((c) => `<li>[${esc(c.id)}] ${esc(c.text)}</li>`).join("")}</ul></details>
</section>`;
}
