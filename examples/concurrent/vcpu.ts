/** One vCPU thread: sends its share of SGIs, then takes SGIs until told to stop (protocol.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { encodeSgiRegister, SPURIOUS_INTID, VirtualGic } from "vsgi";
import { ringDoorbell, type VcpuMessage, type VcpuThreadData } from "./protocol.ts";

const data = workerData as VcpuThreadData;
const bells = new Int32Array(data.bells);
const stop = new Int32Array(data.stop);
// Every thread builds its own VirtualGic over the one shared state (concurrent mode is implied by
// a SharedArrayBuffer): the engine is per thread, the pending/active bits are shared.
const gic = new VirtualGic({ topology: `kvm:${String(data.count)}`, buffer: data.state });
gic.onKick(ringDoorbell(bells));

let handled = 0;
let wakeups = 0;
function drain(): void {
  for (let intid = gic.acknowledge(data.vcpu); intid !== SPURIOUS_INTID; intid = gic.acknowledge(data.vcpu)) {
    handled++;
    gic.eoi(data.vcpu, intid);
  }
}

for (let i = 0; i < data.sends; i++) {
  const target = (data.vcpu + 1 + (i % (data.count - 1))) % data.count;
  gic.writeSgi1r(data.vcpu, encodeSgiRegister({ intid: i % 16, aff1: target >> 4, targetList: 1 << (target & 15) }));
  if (i % 64 === 0) drain(); // take SGIs now and then, as a guest between its own sends
}
const post = (m: VcpuMessage): void => parentPort?.postMessage(m);
post({ kind: "sent", vcpu: data.vcpu });
for (;;) {
  const seen = Atomics.load(bells, data.vcpu);
  drain();
  if (Atomics.load(stop, 0) === 1) break;
  Atomics.wait(bells, data.vcpu, seen, 1000);
  wakeups++;
}
drain();
// The state's counters are this thread's own (plain fields): what *this* thread's writes did.
post({ kind: "stopped", report: { vcpu: data.vcpu, sent: data.sends, coalesced: gic.state.coalesced, handled, wakeups } });
