/**
 * A synthetic lab run for renderer tests (made-up timings; visits follow the engines' documented
 * costs). Never shown to users: the lab writes only measured figures.
 */
import type { BenchResult, LabResults } from "../../src/report/types.ts";

const ENGINES = ["reference", "kvm-linear", "rfc-affskip", "kvm-mpidr-index", "qemu-scan", "xen", "vsgi"] as const;

/** A small run: two workloads, three VM sizes, one trace with a mismatch on one engine. */
export function sampleResults(): LabResults {
  const results: BenchResult[] = [];
  for (const workload of ["unicast-last-cluster", "broadcast-irm"]) {
    for (const vcpus of [16, 64, 512]) {
      const linearNs = vcpus * 2;
      for (const engine of ENGINES) {
        const visits = engine === "vsgi" || engine === "rfc-affskip" || engine === "xen" || engine === "kvm-mpidr-index" ? 1 : vcpus;
        const ns = engine === "vsgi" ? 5 : engine === "kvm-linear" ? linearNs : visits * 1.5 + 4;
        results.push({
          engine,
          workload,
          topology: `kvm:${String(vcpus)}`,
          layout: "kvm",
          vcpus,
          visitsPerWrite: visits,
          nsPerWrite: ns,
          spread: 0.2,
          minNs: ns * 0.9,
          maxNs: ns * 1.1,
          vsLinear: linearNs / ns,
          vsFloor: ns / 3,
        });
      }
    }
  }
  return {
    schema: "vsgi-lab/1",
    tool: { name: "vsgi", version: "0.1.0" },
    started: "2026-11-26T06:00:00.000Z",
    durationMs: 1234,
    options: { quick: true, traces: [] },
    machine: { node: "v20.0.0", cpus: 2, cpuModel: "Test CPU <b>", date: "2026-11-26T06:00:00.000Z" },
    bench: {
      machine: { node: "v20.0.0", cpus: 2, cpuModel: "Test CPU <b>", date: "2026-11-26T06:00:00.000Z", loadavg: [1.5, 1, 1] },
      settings: { quick: true, rounds: 5, writes: 2048, passMs: 1, seed: 1, topologies: ["kvm:16", "kvm:64", "kvm:512"], engines: [...ENGINES], workloads: ["unicast-last-cluster", "broadcast-irm"], seconds: 9.5 },
      results,
      floors: results.filter((r) => r.engine === "vsgi").map((r) => ({ kind: "floor", workload: r.workload, topology: r.topology, vcpus: r.vcpus, nsPerWrite: 3, spread: 0.1 })),
      goals: [
        { id: "g1", goal: "vsgi within 2× of the floor", measured: "1.7×", met: true },
        { id: "g2", goal: "native anchor", measured: "not measured", met: null },
      ],
      native: [],
      nativeStatus: { ran: false, reason: "no C++ compiler (test)" },
      memory: [],
    },
    traces: {
      replays: [
        {
          trace: "/x/qemu-virt-4vcpu.log.gz",
          bytes: 12345,
          writes: 1000,
          deliveries: 1010,
          topology: "qemu:4",
          vcpus: 4,
          stats: { unicastShare: 0.99, targetsPerWrite: { "1": 990, "3": 10 }, clustersPerMulticast: { "1": 10 }, byIntid: { "0": 100, "1": 880, "2": 20 }, irm: 0, crossClusterShare: 0 },
          engines: Object.fromEntries(ENGINES.map((e) => [e, e === "xen" ? { mismatches: 3, visits: 1000 } : { mismatches: 0, visits: 2500 }])),
          oracle: { checked: 1000, mismatches: 0 },
        },
        { trace: "/x/broken.log.gz", error: "line 3: not a QEMU trace line" },
      ],
    },
    model: { missing: "the cost model (issue 8) has not landed" },
  };
}
