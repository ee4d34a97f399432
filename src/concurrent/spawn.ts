/**
 * Starting a worker from a module next to this one, whether vsgi runs compiled (`dist/*.js`)
 * or from source under tsx (tests, `npm run vsgi`). On Node 20 a worker given a `.ts` file
 * fails (ERR_UNKNOWN_FILE_EXTENSION, even with execArgv), so from source the worker is a tiny
 * eval bootstrap that registers tsx's ESM loader in the worker first, then imports the module.
 */
import { Worker } from "node:worker_threads";

/**
 * A worker running module `name` (without extension) of this folder.
 * @example startWorker("stress-worker", { role: "sender" })
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const url = new URL(`./${name}${fromSource ? ".ts" : ".js"}`, import.meta.url);
  if (!fromSource) return new Worker(url, { workerData });
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
