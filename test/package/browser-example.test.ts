/**
 * examples/browser in Debian's Chromium: the page's script is the example bundled for the browser
 * from the built package (esbuild, platform browser: any Node built-in would fail the build), and
 * the page must route live, show typed errors, log nothing and request nothing.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { CHROMIUM, launchChromium } from "../browser/chromium.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("examples/browser in Chromium", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-browser-example-"));
  const pageUrl = pathToFileURL(join(dir, "index.html")).href;
  const problems: string[] = [];
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (.ci/run does it with apt-get)`);
    copyFileSync(join(ROOT, "examples/browser/index.html"), join(dir, "index.html"));
    mkdirSync(join(dir, "dist"));
    await build({ entryPoints: [join(ROOT, "examples/browser/main.ts")], bundle: true, format: "iife", platform: "browser", minify: true, outfile: join(dir, "dist/main.js"), logLevel: "silent" });
    let context;
    ({ context, close } = await launchChromium());
    page = await context.newPage();
    page.on("console", (m) => problems.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (r.url() !== pageUrl && !r.url().endsWith("/dist/main.js")) problems.push(`request: ${r.url()}`);
    });
    await page.goto(pageUrl, { waitUntil: "load" });
  });

  after(async () => {
    await close?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("routes the default write from vCPU 3 on kvm:512 to vCPUs 496 and 511", async () => {
    assert.equal(await page.textContent("#result"), "2 target(s), 2 visit(s): vCPU 496 (0.0.31.0) SGI 1; vCPU 511 (0.0.31.15) SGI 1");
  });

  it("follows the inputs live: IRM from vCPU 0 on qemu:8 reaches the seven others", async () => {
    await page.selectOption("#topology", "qemu:8");
    await page.fill("#sender", "0");
    await page.fill("#value", "0x10000000001");
    const text = (await page.textContent("#result")) ?? "";
    assert.match(text, /^7 target\(s\), /);
    assert.doesNotMatch(text, /vCPU 0 /);
  });

  it("shows a typed error for a value with RES0 bits", async () => {
    await page.fill("#value", "0xF0000001");
    assert.equal(await page.getAttribute("#result", "data-state"), "error");
    assert.match((await page.textContent("#result")) ?? "", /^error: .*RES0 bits 28, 29, 30, 31/);
  });

  it("logged nothing and made no network request", () => {
    assert.deepEqual(problems, []);
  });
});
