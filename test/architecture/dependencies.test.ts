/**
 * The layer rules of .dependency-cruiser.cjs hold on src/: no import cycle, no upward import.
 * The check must not pass vacuously (with dependency-cruiser's default parser TypeScript 7
 * sources yield no dependencies at all), so it also requires that every file of src/ was cruised
 * with its imports, and that the same rules catch a planted upward import and cycle.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

interface Cruise {
  readonly modules: readonly { readonly source: string; readonly dependencies: readonly unknown[] }[];
  readonly summary: { readonly violations: readonly { readonly rule: { readonly name: string }; readonly from: string; readonly to: string }[]; readonly totalCruised: number; readonly totalDependenciesCruised: number };
}

function cruise(cwd: string): Cruise {
  const r = spawnSync(process.execPath, [BIN, "src", "--config", CONFIG, "--output-type", "json"], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.ok(r.stdout.startsWith("{"), `dependency-cruiser printed no JSON (exit ${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Cruise;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name));
}

describe("dependency rules (dependency-cruiser, swc parser)", () => {
  it("src/ has no cycle and no upward import, and every src file was cruised with its imports", () => {
    const c = cruise(ROOT);
    const lines = c.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    assert.deepEqual(lines, []);
    const cruised = new Set(c.modules.map((m) => m.source));
    const missing = tsFiles(join(ROOT, "src")).map((f) => f.slice(ROOT.length + 1)).filter((f) => !cruised.has(f));
    assert.deepEqual(missing, [], "src files dependency-cruiser did not see");
    // The façade alone imports a dozen modules: zero dependencies would mean the parser saw nothing.
    const gic = c.modules.find((m) => m.source === "src/gic.ts");
    assert.ok(gic !== undefined && gic.dependencies.length >= 10, `src/gic.ts has ${String(gic?.dependencies.length)} dependencies`);
    assert.ok(c.summary.totalDependenciesCruised > c.summary.totalCruised, `${String(c.summary.totalDependenciesCruised)} dependencies over ${String(c.summary.totalCruised)} modules`);
  });

  it("catches an upward import and a cycle planted in a fixture", () => {
    const c = cruise(join(ROOT, "test", "architecture", "fixture"));
    const rules = c.summary.violations.map((v) => v.rule.name).sort();
    assert.deepEqual(rules, ["no-circular", "no-upward-from-arch"]);
  });
});
