/**
 * Builds the route explorer's browser script with esbuild from the project's own sources
 * (src/report/explorer/main.ts and what it imports: the arch codecs, topology presets and the
 * engines), so the page runs exactly the code the CLI runs. Works from src/ (tsx) and dist/.
 */
import { existsSync } from "node:fs";
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

/**
 * The explorer's script as one minified IIFE, safe to inline in a `<script>` element.
 * esbuild is a dev dependency (installed by `npm ci`); without it the report is written
 * without the explorer and says so.
 */
export async function buildExplorerBundle(): Promise<string> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entryPoint()],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    keepNames: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const js = result.outputFiles[0]?.text ?? "";
  // esbuild escapes "</script" inside strings; check anyway, since the script is inlined.
  if (/<\/script/i.test(js)) throw new VsgiError("config", "explorer bundle contains </script and cannot be inlined");
  return js;
}
