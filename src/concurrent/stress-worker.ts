/**
 * One thread of `vsgi stress` (see stress.ts for the protocol and the invariant). A sender
 * writes ICC_SGI1R_EL1 values through its own VirtualGic over the shared SGI state, taking a
 * ticket per target before each write; a receiver acknowledges and EOIs the SGIs of the vCPUs
 * it owns (v % receivers === index) until every sender is done, then makes one final pass.
 * The kick is a doorbell: VirtualGic's onKick (called only when a target newly becomes pending)
 * rings the owner's doorbell word, and a receiver whose pass found nothing sleeps on it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SgiRegister } from "../arch/sgi-register.ts";
import { VirtualGic } from "../gic.ts";
import { SGI_COUNT, SPURIOUS_INTID } from "../state/layout.ts";
import { Topology } from "../topology/topology.ts";
import { SeededRandom, seedFor } from "../workload/rng.ts";
import { CTRL_GO, CTRL_SENDERS_DONE, DOORBELL_STRIDE, harnessViews, type ReceiverReport, type SenderReport, type StressWorkerData } from "./stress.ts";

const data = workerData as StressWorkerData;
const t = data.topology;
const topology = new Topology(t.name, t.affinity, t.rss, { userspace: t.userspace });
const gic = new VirtualGic({ topology, engine: data.engine, buffer: data.gicBuffer, concurrent: !data.racy });
const n = gic.topology.count;
const { ctrl, bells, started, covered } = harnessViews(data.harness, n);

/** Doorbell word 0: rings; word 1: 1 while its receiver sleeps (Atomics.notify is costly, so only then). */
function ring(receiver: number): void {
  const i = receiver * DOORBELL_STRIDE;
  Atomics.add(bells, i, 1);
  // Futex pattern: the receiver sets the flag before waiting on the ring count it read, so
  // either it sees this ring's new count and does not sleep, or this load sees the flag.
  if (Atomics.load(bells, i + 1) !== 0) Atomics.notify(bells, i, 1);
}
const SPURIOUS = SPURIOUS_INTID;
const SGIS = SGI_COUNT;

parentPort?.postMessage({ ready: true });
while (Atomics.load(ctrl, CTRL_GO) === 0) Atomics.wait(ctrl, CTRL_GO, 0, 100);

/** A reproducible stream per worker. */
const rng = new SeededRandom(seedFor(data.seed, "stress-worker", String(data.index)));
const next = (): number => rng.uint32();

function sender(): SenderReport {
  const receivers = data.receivers;
  gic.onKick((v) => ring(v % receivers));
  const aff = gic.topology.affinity;
  // Each vCPU's cluster row of 16 slots (RS group of Aff0), so a TargetList maps back to vCPUs.
  const rowOf = new Int32Array(n);
  const rows = new Map<number, number>();
  for (let v = 0; v < n; v++) {
    const key = (aff[v]! >>> 4) >>> 0;
    let row = rows.get(key);
    if (row === undefined) {
      row = rows.size;
      rows.set(key, row);
    }
    rowOf[v] = row;
  }
  const slots = new Int32Array(rows.size * 16).fill(-1);
  for (let v = 0; v < n; v++) slots[rowOf[v]! * 16 + (aff[v]! & 0xf)] = v;
  let deliveries = 0;
  let mismatched = 0;
  let unicast = 0;
  let multicast = 0;
  let broadcast = 0;
  for (let w = 0; w < data.writes; w++) {
    const r = next();
    const sendingVcpu = next() % n;
    const intid = r & 0xf;
    const kind = (r >>> 4) % 10_000;
    let hi: number;
    let lo: number;
    let targets = 0;
    if (kind === 0) {
      // IRM = 1: every vCPU but the writer.
      broadcast++;
      hi = 1 << 8;
      lo = intid << 24;
      for (let v = 0; v < n; v++) {
        if (v === sendingVcpu) continue;
        Atomics.add(started, v * SGIS + intid, 1);
        targets++;
      }
    } else {
      const t = next() % n;
      const a = aff[t]!;
      let list = 1 << (a & 0xf);
      if (kind < 600) {
        multicast++;
        list |= next() & 0xffff;
      } else {
        unicast++;
      }
      const row = rowOf[t]! * 16;
      for (let bits = list; bits !== 0; bits &= bits - 1) {
        const v = slots[row + 31 - Math.clz32(bits & -bits)]!;
        if (v < 0) continue;
        Atomics.add(started, v * SGIS + intid, 1);
        targets++;
      }
      lo = ((intid << 24) | (((a >>> 8) & 0xff) << 16) | list) >>> 0;
      hi = (((a >>> 16) & 0xff) | (((a & 0xff) >>> 4) << 12) | ((a >>> 24) << 16)) >>> 0;
    }
    const reached = gic.writeSgi(SgiRegister.SGI1R, sendingVcpu, hi, lo);
    deliveries += reached;
    if (reached !== targets) mismatched++;
  }
  Atomics.add(ctrl, CTRL_SENDERS_DONE, 1);
  // Wake every receiver for its final pass.
  for (let r = 0; r < receivers; r++) ring(r);
  return {
    role: "sender",
    writes: data.writes,
    deliveries,
    mismatched,
    coalesced: gic.state.coalesced,
    kicks: gic.state.kicks,
    unicast,
    multicast,
    broadcast,
  };
}

function receiver(): ReceiverReport {
  // Owned vCPUs as a mask per bitmap word, so a pass reads 16 pending words per 32 vCPUs and
  // acknowledges only vCPUs with something pending.
  const words = gic.state.words;
  const ownedMask = new Uint32Array(words);
  for (let v = data.index; v < n; v += data.receivers) ownedMask[v >>> 5]! |= 1 << (v & 31);
  const pending = gic.state.pending;
  const acks = new Int32Array(n * SGIS);
  let acknowledged = 0;
  let phantom = 0;
  let passes = 0;
  let sleeps = 0;
  const bell = data.index * DOORBELL_STRIDE;
  for (;;) {
    // Both read before the pass: a ring during the pass makes the wait below return at once,
    // and a pass that starts after every sender finished leaves nothing behind.
    const rung = Atomics.load(bells, bell);
    const last = Atomics.load(ctrl, CTRL_SENDERS_DONE) === data.senders;
    const before = acknowledged;
    passes++;
    for (let w = 0; w < words; w++) {
      const mine = ownedMask[w]!;
      if (mine === 0) continue;
      let any = 0;
      for (let intid = 0; intid < SGIS; intid++) any |= Atomics.load(pending, intid * words + w);
      for (let bits = any & mine; bits !== 0; bits &= bits - 1) {
        const v = w * 32 + 31 - Math.clz32(bits & -bits);
        for (;;) {
        const intid = gic.acknowledge(v);
        if (intid === SPURIOUS) break;
        const k = v * SGIS + intid;
        const s = Atomics.load(started, k);
        const i = ++acks[k]!;
        if (i > s) phantom++;
        Atomics.store(covered, k, s);
        acknowledged++;
        gic.eoi(v, intid);
        }
      }
    }
    if (last) break;
    if (acknowledged === before) {
      sleeps++;
      // The timeout only bounds a sleep; a kick is what normally ends it.
      Atomics.store(bells, bell + 1, 1);
      Atomics.wait(bells, bell, rung, 50);
      Atomics.store(bells, bell + 1, 0);
    }
  }
  return { role: "receiver", acknowledged, phantom, passes, sleeps };
}

parentPort?.postMessage({ report: data.role === "sender" ? sender() : receiver() });
