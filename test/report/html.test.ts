/** The HTML report renderer, on a synthetic run (test/report/sample.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHTML } from "linkedom";
import { mean } from "../../src/report/format.ts";
import { renderReport } from "../../src/report/page.ts";
import type { LabResults } from "../../src/report/types.ts";
import { sampleResults } from "./sample.ts";

function page(results: LabResults, js = "/* explorer */"): Document {
  return parseHTML(renderReport(results, { js })).document as unknown as Document;
}

describe("HTML report", () => {
  it("draws the charts as SVG with titles, axis labels and legends", () => {
    const doc = page(sampleResults());
    const figures = [...doc.querySelectorAll("figure")];
    // 2 workloads × (visits + ns) + 1 ratio chart + 1 INTID chart of the one trace that replayed
    assert.equal(figures.length, 6);
    for (const f of figures) {
      assert.ok(f.querySelector("h2")?.textContent, "a title");
      assert.ok(f.querySelector("svg"), "an SVG");
      assert.ok(f.querySelector("[class$='-swatches'], [class*='-swatches ']"), "a legend");
    }
    const visits = doc.querySelector("#visits figure");
    assert.match(visits?.querySelector("h2")?.textContent ?? "", /Visits per write — unicast-last-cluster/);
    const text = visits?.textContent ?? "";
    assert.match(text, /vCPUs in the VM \(log scale\)/);
    assert.match(text, /visits per write/);
    assert.ok((visits?.querySelectorAll("circle").length ?? 0) >= 21, "one dot per engine and size");
    const ticks = [...doc.querySelectorAll("[aria-label$='tick label'] text")].map((t) => t.textContent ?? "");
    assert.ok(ticks.length > 0);
    assert.deepEqual(ticks.filter((t) => /e[+-]\d/.test(t)), [], "no exponent notation on any axis");
  });

  it("leads with vsgi vs each engine at 512 vCPUs and the machine", () => {
    const doc = page(sampleResults());
    const h = doc.querySelector("#headline")?.textContent ?? "";
    assert.match(h, /at 512 vCPUs/);
    // kvm-linear at 512 takes 2 ns × 512 = 1024 ns vs vsgi's 5 ns in the sample: 205×.
    assert.match(h, /kvm-linear takes 205× vsgi's time per write and examines 512× as many vCPUs/);
    assert.match(h, /Test CPU <b>/, "machine text shown literally");
    assert.equal(doc.querySelectorAll("#headline b").length, 0, "machine text is escaped, not markup");
    assert.match(h, /vsgi within 2× of the floor/);
    assert.match(doc.querySelector("header .machine")?.textContent ?? "", /load average 1.5 at start/);
    assert.match(doc.querySelector("#time")?.textContent ?? "", /5 rounds of 1 ms passes over 2,048 seeded writes per cell \(seed 1\), on kvm:16, kvm:64, kvm:512/);
  });

  it("flags trace mismatches and failures in red and says what is missing", () => {
    const doc = page(sampleResults());
    const red = [...doc.querySelectorAll("#traces .bad")].map((e) => e.textContent ?? "");
    assert.ok(red.includes("3"), "xen's 3 mismatches are red");
    assert.ok(red.some((t) => t.includes("broken.log.gz could not be replayed")));
    assert.match(doc.querySelector("header .missing")?.textContent ?? "", /cost model: the cost model \(issue 8\) has not landed/);
    assert.match(doc.querySelector("#model")?.textContent ?? "", /Cost model not in this run/);
    assert.match(doc.querySelector("#native")?.textContent ?? "", /no C\+\+ compiler \(test\)/);
    // INTID 1 carries Linux's call-function IPI: 880 of the sample trace's 1000 writes.
    const intid1 = [...doc.querySelectorAll("#traces table.counts tr")].find((tr) => tr.querySelector("td")?.textContent === "Function call interrupts");
    assert.match(intid1?.textContent ?? "", /880\s*88%/);
  });

  it("pre-renders the explorer's default example so it reads without JavaScript", () => {
    const doc = page(sampleResults());
    const targets = [...doc.querySelectorAll("#x-grid .cell.target")].map((c) => Number(c.getAttribute("data-vcpu")));
    assert.deepEqual(targets, [496, 511]);
    assert.equal(doc.querySelectorAll("#x-grid .cell").length, 512);
    assert.ok(doc.querySelector("noscript"));
  });

  it("is self-contained: no external resource and the script inline", () => {
    const html = renderReport(sampleResults(), { js: "console.log(1)" });
    assert.doesNotMatch(html, /<(?:script|img|link|iframe)[^>]+(?:src|href)=/i);
    assert.doesNotMatch(html, /url\(/i);
    assert.match(html, /<script>console\.log\(1\)<\/script>/);
  });

  it("renders a run that has no benchmark, no traces and no explorer", () => {
    const r = sampleResults();
    const html = renderReport({ ...r, bench: { missing: "skipped in test" }, traces: { missing: "none given" } }, { missing: "no esbuild" });
    const doc = parseHTML(html).document as unknown as Document;
    const missing = doc.querySelector("header .missing")?.textContent ?? "";
    for (const s of ["benchmark: skipped in test", "trace replay: none given", "route explorer: no esbuild"]) assert.ok(missing.includes(s), s);
    assert.equal(doc.querySelectorAll("script").length, 0);
    assert.equal(doc.querySelectorAll("figure").length, 0);
  });

  it("reads histogram statistics as means", () => {
    assert.equal(mean({ "1": 990, "3": 10 }), (990 + 30) / 1000);
    assert.equal(mean(2.5), 2.5);
    assert.equal(mean({}), 0);
  });
});
