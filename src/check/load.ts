/**
 * `--engine <file>`: loads a plugin engine from a `.mjs`/`.js` module, a `.ts` module (through
 * tsx, the project's TypeScript loader, when it is installed) or a `.c` file over the C engine
 * ABI (compiled here). Every failure is a PluginError (exit 2 in the CLI).
 */
import { existsSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ENGINE_NAMES } from "../engines/registry.ts";
import { PluginError } from "../errors.ts";
import { CEngine, CEngineModule } from "./c-engine.ts";
import { compileCModule } from "./compile.ts";
import { type PluginEngine, type PluginKind, pluginFromExport } from "./contract.ts";

/** File name endings `--engine` accepts. */
export const PLUGIN_EXTENSIONS = [".mjs", ".js", ".ts", ".mts", ".c"] as const;

/** What to do when a `.ts` engine cannot be loaded. */
export const TS_LOADER_HELP = "install tsx next to vsgi (npm install --save-dev tsx@4) or run vsgi as `node --import tsx …`; or compile the engine to .mjs";

function kindOf(file: string): PluginKind {
  const ext = extname(file).toLowerCase();
  if (ext === ".c") return "c";
  if (ext === ".ts" || ext === ".mts") return "ts";
  if (ext === ".mjs" || ext === ".js") return "js";
  throw new PluginError(`${file}: unknown engine file type "${ext || "(none)"}" (expected ${PLUGIN_EXTENSIONS.join(", ")})`, file);
}

function message(e: unknown): string {
  return e instanceof Error ? (e.message.split("\n")[0] ?? e.message) : String(e);
}

async function importTs(file: string, url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (first) {
    // Not running under tsx: load through tsx's scoped loader if the package is installed.
    const code = (first as { code?: unknown }).code;
    if (code !== "ERR_UNKNOWN_FILE_EXTENSION" && code !== "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") throw first;
    let api: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    try {
      api = (await import("tsx/esm/api")) as typeof api;
    } catch {
      throw new PluginError(`${file}: a TypeScript engine needs the tsx loader, which is not installed: ${TS_LOADER_HELP}`, file);
    }
    return api.tsImport(url, import.meta.url);
  }
}

/**
 * Loads the engine in `file`.
 * @throws PluginError when the file is missing, is not an engine, does not compile or cannot be imported.
 * @example const p = await loadEngineFile("examples/engines/sorted-bsearch.c"); p.create().prepare(presetTopology("kvm:8"))
 */
export async function loadEngineFile(file: string): Promise<PluginEngine> {
  const kind = kindOf(file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new PluginError(`engine file ${file} not found`, file);
  const fallbackName = basename(file).replace(/\.(c|ts|mts|mjs|js)$/i, "");
  if (kind === "c") {
    if ((ENGINE_NAMES as readonly string[]).includes(fallbackName)) {
      throw new PluginError(`${file}: a C engine is named after its file, and "${fallbackName}" is a built-in engine's name; rename the file`, file);
    }
    const module = new CEngineModule(file, compileCModule(file));
    const origin = `C engine ${basename(file)} (vsgi C engine ABI 1)`;
    return { file, kind, name: fallbackName, origin, create: () => new CEngine(module, fallbackName, origin) };
  }
  const url = pathToFileURL(resolve(file)).href;
  let mod: unknown;
  try {
    mod = kind === "ts" ? await importTs(file, url) : await import(url);
  } catch (e) {
    if (e instanceof PluginError) throw e;
    throw new PluginError(`${file}: the engine module does not load: ${message(e)}`, file);
  }
  let exported = (mod as { default?: unknown }).default;
  // A CommonJS module (a .ts or .js file outside a "type": "module" package) arrives wrapped once more.
  if (typeof exported === "object" && exported !== null && !("dispatch" in exported) && "default" in exported) exported = (exported as { default: unknown }).default;
  return pluginFromExport(file, kind, exported, fallbackName, ENGINE_NAMES);
}

/** Loads every `--engine` file, in order; two plugins may not share a name. */
export async function loadEngineFiles(files: readonly string[]): Promise<PluginEngine[]> {
  const out: PluginEngine[] = [];
  for (const f of files) {
    const p = await loadEngineFile(f);
    const clash = out.find((o) => o.name === p.name);
    if (clash !== undefined) throw new PluginError(`${p.file} and ${clash.file} both name their engine "${p.name}"`, p.file);
    out.push(p);
  }
  return out;
}
