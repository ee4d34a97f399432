/** Worker-thread entry: runs one `CellJob` (src/bench/cell.ts) and posts its `CellResult`. */
import { parentPort, workerData } from "node:worker_threads";
import { type CellJob, measureCell } from "./cell.ts";

parentPort?.postMessage(measureCell(workerData as CellJob));
