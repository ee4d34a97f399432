/**
 * Runs a benchmark cell in a fresh worker thread (its own V8 isolate, so its own JIT history).
 * (src/util/worker.ts starts it from dist/ or, under tsx, from source.)
 */
import { startModuleWorker } from "../util/worker.ts";
import type { CellJob, CellResult } from "./cell.ts";

/** Measures `job` in a new worker and resolves with its result. */
export function measureCellIsolated(job: CellJob): Promise<CellResult> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, "cell-worker", job);
    let done = false;
    worker.once("message", (r: CellResult) => {
      done = true;
      resolve(r);
      void worker.terminate();
    });
    worker.once("error", (e) => {
      done = true;
      reject(e);
    });
    worker.once("exit", (code) => {
      if (!done) reject(new Error(`benchmark cell worker exited with code ${String(code)} before reporting`));
    });
  });
}
