/**
 * knip finds no unused file, export, type or dependency (knip.jsonc lists each exception with
 * its reason). It must also be able to fail: a planted unused export is reported.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "node_modules", "knip", "bin", "knip.js");

function knip(cwd: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, "--no-progress", ...args], { cwd, encoding: "utf8", timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("knip", () => {
  it("reports nothing on the repository", () => {
    const r = knip(ROOT);
    assert.equal(r.code, 0, r.out);
  });

  it("reports an unused export planted in a fixture", () => {
    const r = knip(join(ROOT, "test", "architecture", "knip-fixture"));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /unusedHelper/);
  });
});
