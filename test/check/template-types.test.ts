/**
 * The TS starting points type-check as written under the project's strict settings
 * (noUncheckedIndexedAccess, exactOptionalPropertyTypes): the init-engine template and the TS
 * example, with no vsgi or Node types installed beside them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { engineTemplate } from "../../src/check/templates.ts";

const tsc = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));

describe("TS engine starting points", () => {
  it("the init-engine template and examples/engines/sorted-bsearch.ts pass tsc --strict", () => {
    const dir = mkdtempSync(join(tmpdir(), "vsgi-tplcheck-"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(dir, "mine.ts"), engineTemplate("mine", "ts"));
    copyFileSync(fileURLToPath(new URL("../../examples/engines/sorted-bsearch.ts", import.meta.url)), join(dir, "sorted-bsearch.ts"));
    const config = {
      compilerOptions: { target: "es2022", lib: ["es2022"], module: "nodenext", moduleResolution: "nodenext", types: [], strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noEmit: true },
      include: ["*.ts"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
    const r = spawnSync(tsc, ["-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
