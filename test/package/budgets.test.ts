/**
 * The package's size and load budgets (issue 13), measured on the built dist/ as a consumer gets
 * it: what `npm pack` ships, the browser bundle of VirtualGic, and what `import("vsgi")` loads.
 * These are sizes and counts, not timings, so they are stable on a busy machine.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every module file (ESM and CommonJS) and Node built-in that importing `specifier` loads. */
export function modulesLoadedBy(specifier: string): { files: string[]; builtins: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "vsgi-load-"));
  const list = join(dir, "loaded.txt");
  const hook = `data:text/javascript,${encodeURIComponent('import{appendFileSync}from"node:fs";export async function load(u,c,n){appendFileSync(process.env.VSGI_LOADED,u+"\\n");return n(u,c);}')}`;
  const register = `data:text/javascript,${encodeURIComponent(`import{register}from"node:module";register(${JSON.stringify(hook)});`)}`;
  // CommonJS files required by a dependency do not pass the ESM hook: list them from require.cache.
  // The marker line separates this script's own imports from what the import under test loads.
  const script = `import{createRequire}from"node:module";import{appendFileSync}from"node:fs";appendFileSync(process.env.VSGI_LOADED,"--\\n");await import(${JSON.stringify(specifier)});for(const f of Object.keys(createRequire(import.meta.url).cache))appendFileSync(process.env.VSGI_LOADED,"cjs:"+f+"\\n");`;
  const r = spawnSync(process.execPath, ["--import", register, "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, VSGI_LOADED: list } });
  assert.equal(r.status, 0, r.stderr);
  const all = readFileSync(list, "utf8").trim().split("\n");
  const urls = all.slice(all.indexOf("--") + 1);
  // The script itself and the hook are not the package's modules.
  const files = [...new Set(urls.filter((u) => u.startsWith("file:") || u.startsWith("cjs:")).map((u) => u.replace(/^cjs:/, "file://")))];
  const builtins = urls.filter((u) => u.startsWith("node:"));
  return { files, builtins };
}

describe("package budgets", () => {
  it("npm pack ships at most 400 KB, with no tests, fixtures or sources", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [pack] = JSON.parse(r.stdout) as { size: number; unpackedSize: number; files: { path: string }[] }[];
    assert.ok(pack !== undefined);
    assert.ok(pack.size <= 400 * 1024, `tarball is ${String(pack.size)} bytes`);
    const paths = pack.files.map((f) => f.path);
    assert.deepEqual(paths.filter((p) => /^(test|fixtures|src|examples|docs)\//.test(p) || p.endsWith(".map")), []);
    for (const needed of ["dist/index.js", "dist/index.d.ts", "dist/entries/node.js", "dist/entries/lab.js", "dist/cli/main.js", "bin/vsgi.js", "LICENSE", "CHANGELOG.md", "README.md", "schemas/vsgi-route.schema.json", "native/anchor.cpp", "scripts/capture/init.sh", "conformance/vectors.json"]) {
      assert.ok(paths.includes(needed), `the tarball lacks ${needed}`);
    }
  });

  it("a browser bundle of VirtualGic is at most 12 KB gzipped and uses no Node built-in", async () => {
    // platform "browser" makes esbuild fail on any node: import, so a clean build is the check.
    const result = await build({
      stdin: { contents: 'import { VirtualGic } from "vsgi"; export const gic = new VirtualGic({ topology: "kvm:8" });', resolveDir: ROOT, loader: "js" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      minify: true,
      metafile: true,
      logLevel: "silent",
    });
    const js = result.outputFiles[0]?.contents ?? new Uint8Array();
    const gz = gzipSync(js, { level: 9 }).length;
    assert.ok(gz <= 12 * 1024, `VirtualGic bundle is ${String(gz)} bytes gzipped (${String(js.length)} minified)`);
    const used = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0);
    assert.ok(used.length > 10, "the bundle holds the core's modules");
    assert.deepEqual(used.map(([f]) => f).filter((f) => f.includes("node_modules")), [], "VirtualGic needs no dependency");
  });

  it("await import('vsgi') loads at most 40 modules and no Node built-in", () => {
    const { files, builtins } = modulesLoadedBy("vsgi");
    assert.deepEqual(builtins, []);
    assert.ok(files.length <= 40, `import('vsgi') loads ${String(files.length)} modules:\n${files.join("\n")}`);
    assert.deepEqual(files.filter((f) => /fast-check|linkedom|observablehq|commander|zod/.test(f)), []);
  });
});
