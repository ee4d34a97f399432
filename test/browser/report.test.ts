/**
 * The lab report in real Chromium (Debian's, driven by playwright-core): a report generated with
 * a tiny benchmark sweep is opened from disk; charts must be SVG with marks and axis labels, the
 * page must make no network request and log no error, and the route explorer must route live.
 * Screenshots go to test-output/browser/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { runLab } from "../../src/lab/run.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const OUT = resolve("test-output", "browser");
// The report goes to a fresh directory per run, so two runs at once (a shared checkout) never
// delete each other's page; screenshots overwrite their fixed names in OUT.
const REPORT = mkdtempSync(join(tmpdir(), "vsgi-report-"));

/** A few seconds of benchmark: two sizes, two workloads, short passes. */
const TINY_BENCH = { vcpus: [16, 64], layouts: ["kvm"], workloads: ["unicast-last-cluster", "broadcast-irm"], rounds: 3, passMs: 1, writes: 256, native: false, memory: false };

describe("report in Chromium", { timeout: 120_000 }, () => {
  let context: BrowserContext;
  let close: () => Promise<void>;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const reportUrl = pathToFileURL(join(REPORT, "index.html")).href;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (.ci/run does it with apt-get)`);
    mkdirSync(OUT, { recursive: true });
    await runLab({ out: REPORT, quick: true, bench: TINY_BENCH });
    ({ context, close } = await launchChromium());
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== reportUrl) requests.push(r.url());
    });
    await page.goto(reportUrl, { waitUntil: "load" });
  });

  after(async () => {
    await close?.();
    rmSync(REPORT, { recursive: true, force: true });
  });

  it("renders every chart as SVG with marks, axis labels and a legend", async () => {
    const charts = await page.$$eval("figure", (figs) =>
      figs.map((f) => ({
        title: f.querySelector("h2")?.textContent ?? "",
        svg: f.querySelector("svg[viewBox]") !== null,
        marks: f.querySelectorAll("svg circle, svg rect, svg [aria-label='line'] path").length,
        xLabel: f.querySelector("[aria-label='x-axis label']")?.textContent ?? "",
        yLabel: f.querySelector("[aria-label='y-axis label']")?.textContent ?? "",
        legend: f.querySelector("[class*='swatch']") !== null,
        width: f.querySelector("svg[viewBox]")?.getBoundingClientRect().width ?? 0,
        folded: f.closest("details:not([open])") !== null,
        xTicks: [...f.querySelectorAll("[aria-label='x-axis tick label'] text")].map((t) => t.textContent ?? ""),
      })),
    );
    // 2 workloads × (visits + time) + 1 ratio chart + 1 INTID chart per bundled trace
    assert.ok(charts.length >= 5, `expected at least 5 charts, got ${String(charts.length)}`);
    for (const c of charts) {
      assert.ok(c.svg, `${c.title}: an SVG`);
      assert.ok(c.marks > 0, `${c.title}: marks drawn`);
      assert.ok(c.xLabel.length > 0 || c.yLabel.length > 0, `${c.title}: axis labels`);
      assert.ok(c.legend, `${c.title}: a legend`);
      if (!c.folded) assert.ok(c.width > 200, `${c.title}: laid out (${String(c.width)} px)`);
    }
    const visits = charts.find((c) => c.title.startsWith("Visits per write — unicast-last-cluster"));
    assert.ok(visits, "the visits chart of unicast-last-cluster");
    assert.match(visits.xLabel, /vCPUs/);
    assert.match(visits.yLabel, /visits per write/);
    assert.deepEqual(visits.xTicks, ["16", "64"], "every measured size labelled");
    await page.screenshot({ path: join(OUT, "report.png"), fullPage: true });
  });

  it("routes 0x011F8001 from vCPU 3 on kvm:512 to exactly vCPUs 496 and 511", async () => {
    await page.selectOption("#x-register", "sgi1r");
    await page.selectOption("#x-preset", "kvm");
    await page.fill("#x-vcpus", "512");
    await page.fill("#x-sender", "3");
    await page.fill("#x-value", "0x011F8001");
    const highlighted = await page.$$eval("#x-grid .cell.target", (cells) => cells.map((c) => Number(c.getAttribute("data-vcpu"))));
    assert.deepEqual(highlighted, [496, 511]);
    assert.equal(await page.locator("#x-grid .cell").count(), 512);
    assert.equal(await page.isHidden("#x-error"), true);
    assert.match((await page.textContent("#x-targets")) ?? "", /2 targets: 496, 511/);
    assert.equal(await page.textContent("#x-engines tr[data-engine='kvm-linear'] .visits"), "512");
    assert.equal(await page.textContent("#x-engines tr[data-engine='vsgi'] .visits"), "2");
    await page.locator("#explorer").screenshot({ path: join(OUT, "explorer.png") });
  });

  it("follows other inputs live: a different layout and sender", async () => {
    // Aff1 = 1, TargetList = 0b110 → Aff0 1 and 2 of cluster 1: vCPUs 17 and 18 in QEMU's layout.
    await page.selectOption("#x-preset", "qemu");
    await page.fill("#x-vcpus", "32");
    await page.fill("#x-sender", "0");
    await page.fill("#x-value", "0x01010006");
    const highlighted = await page.$$eval("#x-grid .cell.target", (cells) => cells.map((c) => Number(c.getAttribute("data-vcpu"))));
    assert.deepEqual(highlighted, [17, 18]);
  });

  it("loads an example write from its button: IRM reaches every vCPU but the sender", async () => {
    await page.selectOption("#x-preset", "kvm");
    await page.fill("#x-vcpus", "512");
    await page.fill("#x-sender", "3");
    await page.click("button.x-example[data-value='0x10000000000']");
    assert.equal(await page.inputValue("#x-value"), "0x10000000000");
    const highlighted = await page.$$eval("#x-grid .cell.target", (cells) => cells.map((c) => Number(c.getAttribute("data-vcpu"))));
    assert.deepEqual(highlighted, Array.from({ length: 512 }, (_, i) => i).filter((v) => v !== 3));
  });

  it("shows the error in the page for an invalid value", async () => {
    await page.fill("#x-value", "0x0123XYZ");
    assert.equal(await page.isVisible("#x-error"), true);
    assert.match((await page.textContent("#x-error")) ?? "", /error: .*"0x0123XYZ" is not a hexadecimal value/);
    await page.locator("#explorer").screenshot({ path: join(OUT, "explorer-error.png") });
    await page.fill("#x-value", "0xF0000000");
    assert.match((await page.textContent("#x-error")) ?? "", /RES0 bits 28, 29, 30, 31 set/);
    await page.fill("#x-value", "0x01010006");
    assert.equal(await page.isHidden("#x-error"), true, "the error clears on valid input");
  });

  it("made no network request and logged no error or warning", () => {
    assert.deepEqual(requests, []);
    assert.deepEqual(consoleErrors, []);
  });
});
