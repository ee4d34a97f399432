/**
 * Builds the route explorer's browser script with esbuild from the project's own sources
 * (src/report/explorer/main.ts and what it imports: the arch codecs, topology presets and the
 * engines), so the page runs exactly the code the CLI runs. Works from src/ (tsx) and dist/.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VsgiError } from "../errors.ts";

/** The entry file next to this module: `.ts` under tsx, `.js` in dist/. */
function entryPoint(): string {
  for (const ext of [".ts", ".js"]) {
    const p = fileURLToPath(new URL(`./explorer/main${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new VsgiError("config", "route explorer source (explorer/main.ts or .js) not found next to src/report/bundle");
}

/** A TS/JS plugin engine to bundle into the explorer: its module's default export, registered under `name`. */
export interface ExplorerPlugin {
  readonly name: string;
  readonly file: string;
}

/**
 * A module that registers the plugins in the page's engine registry, and an entry that imports it
 * before the explorer (ES modules evaluate in import order, so the explorer's first route sees them).
 */
function pluginEntry(plugins: readonly ExplorerPlugin[], dir: string): string {
  const registry = fileURLToPath(new URL(`../engines/registry${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));
  const lines = [`import { registerEngine } from ${JSON.stringify(registry)};`];
  plugins.forEach((p, i) => lines.push(`import P${String(i)} from ${JSON.stringify(resolve(p.file))};`));
  plugins.forEach((p, i) =>
    lines.push(
      `registerEngine({ name: ${JSON.stringify(p.name)}, description: "plugin " + ${JSON.stringify(p.file)}, create: () => (typeof P${String(i)} === "function" ? new P${String(i)}() : P${String(i)}) });`,
    ),
  );
  writeFileSync(join(dir, "register-plugins.mjs"), `${lines.join("\n")}\n`);
  const entry = join(dir, "entry.mjs");
  writeFileSync(entry, `import "./register-plugins.mjs";\nimport ${JSON.stringify(entryPoint())};\n`);
  return entry;
}

/**
 * The explorer's script as one minified IIFE, safe to inline in a `<script>` element. TS/JS
 * `plugins` (vsgi --engine) are bundled with it and appear beside the built-in engines.
 * esbuild is a dev dependency (installed by `npm ci`); without it the report is written
 * without the explorer and says so.
 */
export async function buildExplorerBundle(plugins: readonly ExplorerPlugin[] = []): Promise<string> {
  const esbuild = await import("esbuild");
  const dir = plugins.length > 0 ? mkdtempSync(join(tmpdir(), "vsgi-explorer-")) : undefined;
  const result = await esbuild.build({
    entryPoints: [dir !== undefined ? pluginEntry(plugins, dir) : entryPoint()],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    keepNames: true,
    legalComments: "none",
    // package.json says "sideEffects": false, which would let esbuild drop the plugin entry's bare
    // `import` of the explorer; with plugins, annotations are ignored so it stays.
    ...(dir !== undefined ? { ignoreAnnotations: true } : {}),
    logLevel: "silent",
  });
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  const js = result.outputFiles[0]?.text ?? "";
  // esbuild escapes "</script" inside strings; check anyway, since the script is inlined.
  if (/<\/script/i.test(js)) throw new VsgiError("config", "explorer bundle contains </script and cannot be inlined");
  return js;
}
