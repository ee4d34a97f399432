/**
 * Runs a benchmark cell in a fresh worker thread (its own V8 isolate, so its own JIT history).
 * From dist/ the worker is the compiled cell-worker.js; under tsx (tests, `npm run bench`) Node 20
 * cannot start a `.ts` worker directly, so a small eval bootstrap registers tsx first.
 */
import { Worker } from "node:worker_threads";
import type { CellJob, CellResult } from "./cell.ts";

function startWorker(job: CellJob): Worker {
  const self = import.meta.url;
  if (self.endsWith(".ts")) {
    const url = new URL("./cell-worker.ts", self).href;
    // Resolved here, next to this file: the eval'd bootstrap would resolve from the working directory.
    const tsx = import.meta.resolve("tsx/esm/api");
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    return new Worker(boot, { eval: true, workerData: job });
  }
  return new Worker(new URL("./cell-worker.js", self), { workerData: job });
}

/** Measures `job` in a new worker and resolves with its result. */
export function measureCellIsolated(job: CellJob): Promise<CellResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
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
