/**
 * Single-thread cost of the shared (atomic) SGI state against the plain one, through
 * `VirtualGic.writeSgi` + acknowledge + EOI on kvm:512 with the vsgi engine.
 *
 * Each variant runs in its own child process, so the plain state's call sites are never
 * polymorphic with the atomic one (as in a program that uses only one of them); rounds
 * alternate plain/atomic and the report gives medians, the spread and atomic/plain ratios.
 *
 *   node --import tsx scripts/bench/shared-state.ts [--rounds 7] [--json]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SgiRegister } from "../../src/arch/sgi-register.ts";
import { VirtualGic } from "../../src/gic.ts";
import { SeededRandom } from "../../src/workload/rng.ts";

const WORKLOADS = ["unicast", "multicast16", "broadcast", "ack+eoi"] as const;
type Workload = (typeof WORKLOADS)[number];
const N = 512;
const OPS = 400_000;

/** ns per operation of one workload in this process. */
function measure(variant: "plain" | "atomic", workload: Workload): number {
  const gic = new VirtualGic({ topology: `kvm:${String(N)}`, concurrent: variant === "atomic" });
  // Precomputed writes: unicast to a pseudo-random vCPU, a whole cluster, IRM.
  const his = new Uint32Array(1024);
  const los = new Uint32Array(1024);
  const rng = new SeededRandom(12345);
  for (let i = 0; i < 1024; i++) {
    const x = rng.uint32();
    const v = (x >>> 8) % N;
    const intid = x & 7;
    if (workload === "unicast" || workload === "ack+eoi") los[i] = ((intid << 24) | ((v >>> 4) << 16) | (1 << (v & 15))) >>> 0;
    else if (workload === "multicast16") los[i] = ((intid << 24) | ((v >>> 4) << 16) | 0xffff) >>> 0;
    else {
      his[i] = 1 << 8;
      los[i] = intid << 24;
    }
  }
  const ops = workload === "broadcast" ? OPS / 20 : OPS;
  const run = (): void => {
    for (let i = 0; i < ops; i++) {
      const k = i & 1023;
      gic.writeSgi(SgiRegister.SGI1R, i % N, his[k]!, los[k]!);
      if (workload === "ack+eoi") {
        const v = (((los[k]! >>> 16) & 0xff) << 4) | (31 - Math.clz32(los[k]! & 0xffff));
        const intid = gic.acknowledge(v);
        gic.eoi(v, intid);
      } else if ((i & 63) === 63) {
        // Drain now and then so writes keep making SGIs newly pending (kicks), not only coalescing.
        gic.state.pending.fill(0);
      }
    }
  };
  run(); // warm-up
  const t0 = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - t0) / ops;
}

const median = (a: number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1]!;
};

const { values } = parseArgs({ options: { child: { type: "string" }, rounds: { type: "string", default: "7" }, json: { type: "boolean" } } });
if (values.child === "plain" || values.child === "atomic") {
  const variant = values.child;
  process.stdout.write(JSON.stringify(Object.fromEntries(WORKLOADS.map((w) => [w, measure(variant, w)]))));
} else {
  const rounds = Number(values.rounds);
  const self = fileURLToPath(import.meta.url);
  const samples: Record<"plain" | "atomic", Record<Workload, number[]>> = {
    plain: { unicast: [], multicast16: [], broadcast: [], "ack+eoi": [] },
    atomic: { unicast: [], multicast16: [], broadcast: [], "ack+eoi": [] },
  };
  for (let r = 0; r < rounds; r++) {
    for (const variant of r % 2 === 0 ? (["plain", "atomic"] as const) : (["atomic", "plain"] as const)) {
      const out = JSON.parse(execFileSync(process.execPath, [...process.execArgv, self, "--child", variant], { encoding: "utf8" })) as Record<Workload, number>;
      for (const w of WORKLOADS) samples[variant][w].push(out[w]);
    }
  }
  const rows = WORKLOADS.map((w) => {
    const p = median(samples.plain[w]);
    const a = median(samples.atomic[w]);
    return {
      workload: w,
      plainNs: Math.round(p * 10) / 10,
      atomicNs: Math.round(a * 10) / 10,
      ratio: Math.round((a / p) * 100) / 100,
      plainSpread: [Math.min(...samples.plain[w]), Math.max(...samples.plain[w])].map((v) => Math.round(v * 10) / 10),
      atomicSpread: [Math.min(...samples.atomic[w]), Math.max(...samples.atomic[w])].map((v) => Math.round(v * 10) / 10),
    };
  });
  if (values.json === true) process.stdout.write(`${JSON.stringify({ vcpus: N, rounds, rows }, null, 2)}\n`);
  else {
    process.stdout.write(`kvm:${String(N)}, engine vsgi, ${String(rounds)} alternating rounds, one process per variant and round (median ns per op)\n`);
    for (const r of rows) {
      process.stdout.write(`  ${r.workload.padEnd(12)} plain ${r.plainNs.toFixed(1).padStart(7)}  atomic ${r.atomicNs.toFixed(1).padStart(7)}  atomic/plain ${r.ratio.toFixed(2)}  (spread plain ${r.plainSpread.join("–")}, atomic ${r.atomicSpread.join("–")})\n`);
    }
  }
}
