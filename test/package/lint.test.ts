/**
 * Packaging lint on the tarball `npm pack` makes: publint (strict: warnings fail) and
 * arethetypeswrong with the ESM-only profile. `npm run lint:package` runs the same tools on the
 * directory (`attw --pack .`); here the tarball is packed once with --ignore-scripts so packing
 * does not rebuild dist/ while other tests use it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "node_modules/.bin");

describe("packaging lint", { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-lint-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" });
  const tarball = join(dir, (JSON.parse(pack.stdout || "[{}]") as { filename?: string }[])[0]?.filename ?? "missing.tgz");

  it("publint --strict finds nothing", () => {
    assert.equal(pack.status, 0, pack.stderr);
    const r = spawnSync(join(BIN, "publint"), ["run", tarball, "--strict"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /All good!/);
  });

  it("attw --profile esm-only finds no problem in any entry", () => {
    const r = spawnSync(join(BIN, "attw"), [tarball, "--profile", "esm-only", "--format", "json"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(r.stdout) as { analysis: { entrypoints: Record<string, unknown> }; problems: Record<string, { resolutionKind: string }[]> };
    assert.deepEqual(Object.keys(report.analysis.entrypoints).sort(), [".", "./lab", "./node", "./package.json"]);
    // The esm-only profile ignores CommonJS and node10 resolution; nothing else may be reported.
    const counted = Object.values(report.problems).flat().filter((p) => !["node16-cjs", "node10"].includes(p.resolutionKind));
    assert.deepEqual(counted, []);
  });
});
