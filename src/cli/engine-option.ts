/** The `--engine <file>` option (repeatable) that route, replay, bench, model and lab share. */
import type { Command } from "commander";
import type { PluginEngine } from "../check/contract.ts";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `--engine <file>` to a command. */
export function engineFileOption(command: Command): Command {
  return command.option("--engine <file>", "also run a plugin engine: .mjs/.js/.ts module or .c over the C engine ABI (repeatable)", collect, []);
}

/**
 * Loads and registers the `--engine` files of a command's options. The plugin loader is imported
 * only when a file is given, so commands run without it load none of it.
 */
export async function useEngineFiles(opts: { engine?: readonly string[] }): Promise<PluginEngine[]> {
  if (opts.engine === undefined || opts.engine.length === 0) return [];
  const { registerEngineFiles } = await import("../check/register.ts");
  return registerEngineFiles(opts.engine);
}
