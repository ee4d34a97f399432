/**
 * Starting a worker thread on a module, whether vsgi runs compiled (`dist/*.js`) or from source
 * under tsx (tests, `npm run vsgi`). On Node 20 a worker given a `.ts` file fails
 * (ERR_UNKNOWN_FILE_EXTENSION, even with execArgv), so from source the worker is a tiny eval
 * bootstrap that registers tsx's ESM loader in the worker first, then imports the module.
 */
import { Worker } from "node:worker_threads";

/**
 * A worker running module `name` (without extension) of the folder of `from` (the caller's
 * `import.meta.url`).
 * @example startModuleWorker(import.meta.url, "stress-worker", { role: "sender" })
 */
export function startModuleWorker(from: string, name: string, workerData: unknown): Worker {
  const fromSource = from.endsWith(".ts");
  const url = new URL(`./${name}${fromSource ? ".ts" : ".js"}`, from);
  if (!fromSource) return new Worker(url, { workerData });
  // Resolved here, next to this file: the eval'd bootstrap would resolve from the working directory.
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
