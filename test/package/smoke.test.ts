/**
 * The packaging smoke test (issue 13): `npm pack`, install the tarball into a fresh project, and
 * use it from there as a consumer would — type-check with `module: nodenext` and `strict` with and
 * without @types/node (no skipLibCheck), import it, run the examples and the `vsgi` command.
 *
 * The install needs only what `npm ci` of this repository already put in the npm cache (vsgi's
 * own dependencies and @types/node), so it runs offline-first (`--prefer-offline`).
 */
import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { assertMatchesSchema } from "../support/schema.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };

function run(cmd: string, args: readonly string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${cwd}) exited ${String(r.status)}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

const COMPILER = {
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  skipLibCheck: false,
};

/** A consumer of the core alone: no Node types, no DOM, no console — only the language. */
const CORE_ONLY = `import { createEngine, decodeSgiRegister, ENGINE_NAMES, presetTopology, SGI_COUNT, VirtualGic, VsgiError, type SgiWrite } from "vsgi";
const gic = new VirtualGic({ topology: presetTopology("kvm:64"), engine: "vsgi" });
export const engines: number = ENGINE_NAMES.length;
const w: SgiWrite = decodeSgiRegister("0x011F8001");
export const reached: number = gic.writeSgi1r(3, 0x011f8001n) + w.intid + SGI_COUNT;
export const typed: boolean = (() => { try { createEngine("nope"); return false; } catch (e) { return e instanceof VsgiError; } })();
`;

/** A Node consumer of the subpaths. */
const NODE_USER = `import { readFileSync } from "node:fs";
import { decodeSgiRegister } from "vsgi";
import { loadTopology, type ReplayReport, type TraceEvent } from "vsgi/node";
import { prepareEngines, RecordingSink, routeOnEngines, type RouteResult } from "vsgi/lab";
const t = loadTopology("kvm:16");
const r: Map<string, RouteResult> = routeOnEngines(prepareEngines(t), decodeSgiRegister("0x1"), 0, new RecordingSink(t.count));
export const summary: string = JSON.stringify([...r.keys()]) + String(readFileSync.length);
export type Used = ReplayReport | TraceEvent;
`;

describe("the packed tarball, installed in a fresh project", { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), "vsgi-smoke-"));
  const project = join(work, "project");
  const bin = join(project, "node_modules/.bin/vsgi");

  before(() => {
    // dist/ is built by `npm test`'s pretest; --ignore-scripts keeps prepack from rebuilding it
    // under the other tests' feet.
    const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
    const [info] = JSON.parse(packed.stdout) as { filename: string }[];
    assert.ok(info !== undefined);
    mkdirSync(join(project, "src/concurrent"), { recursive: true });
    mkdirSync(join(project, "src/browser"), { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "vsgi-smoke", private: true, type: "module" }));
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", join(work, info.filename), `@types/node@${PKG.devDependencies["@types/node"]!}`], project);
    cpSync(join(ROOT, "examples/emulator-loop.ts"), join(project, "src/emulator-loop.ts"));
    for (const f of ["main.ts", "protocol.ts", "vcpu.ts"]) cpSync(join(ROOT, "examples/concurrent", f), join(project, "src/concurrent", f));
    cpSync(join(ROOT, "examples/browser/main.ts"), join(project, "src/browser/main.ts"));
    writeFileSync(join(project, "src/core-only.ts"), CORE_ONLY);
    writeFileSync(join(project, "src/node-user.ts"), NODE_USER);
    const config = (name: string, options: object, files: string[]): void =>
      writeFileSync(join(project, name), JSON.stringify({ compilerOptions: { ...COMPILER, ...options }, files }));
    config("tsconfig.core.json", { lib: ["es2022"], types: [], noEmit: true }, ["src/core-only.ts"]);
    config("tsconfig.browser.json", { lib: ["es2022", "dom"], types: [], noEmit: true }, ["src/core-only.ts", "src/emulator-loop.ts", "src/browser/main.ts"]);
    config("tsconfig.node.json", { lib: ["es2022"], types: ["node"], outDir: "out", rootDir: "src" }, [
      "src/core-only.ts",
      "src/node-user.ts",
      "src/emulator-loop.ts",
      "src/concurrent/main.ts",
      "src/concurrent/vcpu.ts",
    ]);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it("type-checks (nodenext, strict, no skipLibCheck) without @types/node, for the core and the browser", () => {
    run(process.execPath, [TSC, "-p", "tsconfig.core.json"], project);
    run(process.execPath, [TSC, "-p", "tsconfig.browser.json"], project);
  });

  it("type-checks with @types/node, the subpaths and every example, and compiles them", () => {
    run(process.execPath, [TSC, "-p", "tsconfig.node.json"], project);
  });

  it("import('vsgi') works and the core is side-effect free", () => {
    const r = run(process.execPath, ["--input-type=module", "-e", 'const m = await import("vsgi"); const n = await import("vsgi/node"); console.log(typeof m.VirtualGic, typeof n.readTrace, Object.keys(m).length > 30)'], project);
    assert.equal(r.stdout, "function function true\n");
    assert.equal(r.stderr, "");
  });

  it("runs the examples from the installed package", () => {
    const loop = run(process.execPath, ["out/emulator-loop.js"], project);
    assert.match(loop.stdout, /^vCPU 3: SGI 1, SGI 2$/m);
    assert.match(loop.stdout, /^vCPU 2: -$/m);
    const threads = run(process.execPath, ["out/concurrent/main.js"], project, 120_000);
    assert.match(threads.stdout, /^sent 8000, handled \+ coalesced 8000: nothing lost$/m);
  });

  it("npx vsgi --version and npx vsgi route … --json", () => {
    assert.equal(run("npx", ["--no-install", "vsgi", "--version"], project).stdout, `${PKG.version}\n`);
    const r = run("npx", ["--no-install", "vsgi", "route", "--topology", "kvm:512", "--sender", "3", "0x011F8001", "--json"], project);
    const out = JSON.parse(r.stdout) as { schema: string; targets: number[] };
    assert.deepEqual(out.targets, [496, 511]);
    assertMatchesSchema("route", out);
    assert.equal(run(process.execPath, [bin, "decode", "0x1"], project).status, 0);
  });
});
