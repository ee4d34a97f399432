/**
 * Concurrent mode: four vCPU threads share one SGI state and wake each other with
 * `Atomics.wait`/`Atomics.notify` (the protocol is in protocol.ts and README.md).
 *
 * Every SGI sent is either handled once or coalesced with one already pending for the same
 * target and INTID (the GIC keeps one pending bit per SGI), so `handled + coalesced = sent`.
 * Run after compiling (workers start from .js): `npm run examples`.
 */
import { Worker } from "node:worker_threads";
import { AtomicSgiState } from "vsgi";
import type { VcpuMessage, VcpuReport, VcpuThreadData } from "./protocol.ts";

const COUNT = 4;
const SENDS = 2000;

/** Runs the threads to the end and returns their reports, by vCPU. */
export async function runConcurrent(): Promise<VcpuReport[]> {
  const state = AtomicSgiState.createBuffer(COUNT);
  const bells = new Int32Array(new SharedArrayBuffer(4 * COUNT));
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let sending = COUNT;
  const reports: VcpuReport[] = [];
  await new Promise<void>((resolve, reject) => {
    for (let vcpu = 0; vcpu < COUNT; vcpu++) {
      const data: VcpuThreadData = { vcpu, count: COUNT, state, bells: bells.buffer as SharedArrayBuffer, stop: stop.buffer as SharedArrayBuffer, sends: SENDS };
      const w = new Worker(new URL("./vcpu.js", import.meta.url), { workerData: data });
      w.on("error", reject);
      w.on("message", (m: VcpuMessage) => {
        if (m.kind === "sent" && --sending === 0) {
          // Every SGI is pending or handled by now: tell the threads to drain and stop.
          Atomics.store(stop, 0, 1);
          for (let v = 0; v < COUNT; v++) Atomics.notify(bells, v);
        }
        if (m.kind === "stopped" && reports.push(m.report) === COUNT) resolve();
      });
    }
  });
  return reports.sort((a, b) => a.vcpu - b.vcpu);
}

const reports = await runConcurrent();
let sent = 0;
let settled = 0;
for (const r of reports) {
  console.log(`vCPU ${String(r.vcpu)}: sent ${String(r.sent)} (${String(r.coalesced)} coalesced), handled ${String(r.handled)}, woken ${String(r.wakeups)} times`);
  sent += r.sent;
  settled += r.handled + r.coalesced;
}
console.log(`sent ${String(sent)}, handled + coalesced ${String(settled)}: ${settled === sent ? "nothing lost" : "MISMATCH"}`);
if (settled !== sent) process.exitCode = 1;
