/**
 * Registers `--engine` plugins inside a bench cell worker (a fresh thread has its own engine
 * registry), through the bench's `workerSetup` hook.
 */
import type { WorkerSetup } from "../bench/types.ts";
import { registerEngineFiles } from "./register.ts";

/** Called by src/bench/cell-worker.ts with the plugin files. */
export async function setupWorker(data: unknown): Promise<void> {
  await registerEngineFiles(data as string[]);
}

/** The bench's worker hook for these plugin files. */
export function pluginWorkerSetup(files: readonly string[]): WorkerSetup {
  return { module: import.meta.url, data: [...files] };
}
