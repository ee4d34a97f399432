/** `--engine <file>`: loads plugin engines and adds them to the one engine registry. */
import { registerEngine } from "../engines/registry.ts";
import type { PluginEngine } from "./contract.ts";
import { loadEngineFiles } from "./load.ts";

/**
 * Loads each file (see loadEngineFile) and registers its engine, so every command that lists
 * engines from the registry (route, replay, model, lab, bench) shows it beside the built-ins.
 * @example await registerEngineFiles(["examples/engines/sorted-bsearch.c"])
 */
export async function registerEngineFiles(files: readonly string[]): Promise<PluginEngine[]> {
  const plugins = await loadEngineFiles(files);
  for (const p of plugins) registerEngine({ name: p.name, description: p.origin, create: () => p.create() });
  return plugins;
}
