/** Worker-thread entry: runs one `CellJob` (src/bench/cell.ts) and posts its `CellResult`. */
import { parentPort, workerData } from "node:worker_threads";
import { type CellJob, measureCell } from "./cell.ts";

const job = workerData as CellJob;
if (job.setup !== undefined) {
  const m = (await import(job.setup.module)) as { setupWorker: (data: unknown) => Promise<void> };
  await m.setupWorker(job.setup.data);
}
parentPort?.postMessage(measureCell(job));
