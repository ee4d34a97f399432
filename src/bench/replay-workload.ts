/**
 * The bench workload family `replay:<trace file>`: the register writes of a real guest trace
 * (QEMU `-trace` log, Linux ftrace `ipi_raise`, or vsgi JSONL; plain or gzip — read by
 * `readTrace` from src/trace), in trace order, so engines are timed on what a guest really sent.
 */
import { TraceParseError, UsageError } from "../errors.ts";
import { qemuVirtAffinity } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { readTrace } from "../trace/read.ts";
import { WorkloadUnsupportedError } from "./workload-error.ts";
import { type Workload, type WriteBatch, WriteBatchBuilder } from "./batch.ts";

/** At most this many writes of a trace are timed (the first ones). */
export const MAX_REPLAY_WRITES = 1 << 20;

function qemuLayout(t: Topology): boolean {
  for (let v = 0; v < t.count; v++) if (t.affinity[v] !== qemuVirtAffinity(v)) return false;
  return true;
}

/**
 * The workload `replay:<path>`. QEMU and JSONL traces carry raw register values, which only mean
 * the same targets on the layout the guest ran with (QEMU virt's, equal to KVM's below 4096
 * vCPUs); ftrace cpumasks are split for whatever topology is benchmarked.
 * @example replayWorkload("fixtures/qemu-virt-4vcpu-linux6.1.log.gz").generate({ topology, writes: 0, seed: 0 })
 */
export function replayWorkload(path: string): Workload {
  if (path === "") throw new UsageError("replay:<trace> needs a trace file path, e.g. replay:fixtures/qemu-virt-4vcpu-linux6.1.log.gz", path);
  const name = `replay:${path}`;
  return {
    name,
    description: `the writes of trace ${path}`,
    async generate({ topology }): Promise<WriteBatch> {
      // The format decides how the trace meets the topology, so find it first.
      const probe = readTrace(path);
      for await (const _ of probe) break;
      const ftrace = probe.format === "ftrace";
      if (!ftrace && !qemuLayout(topology)) {
        throw new WorkloadUnsupportedError(`${name}: a ${String(probe.format)} trace holds register values of QEMU virt's layout; ${topology.name} has another layout`);
      }
      // QEMU/JSONL: ids as the trace gives them (checked below); ftrace: masks split for this topology.
      const reader = ftrace ? readTrace(path, { topology }) : readTrace(path);
      const b = new WriteBatchBuilder();
      try {
        for await (const e of reader) {
          if (e.sender >= topology.count) {
            throw new WorkloadUnsupportedError(`${name}: vCPU ${String(e.sender)} writes in the trace, but ${topology.name} has ${String(topology.count)} vCPUs`);
          }
          b.push(e.hi, e.lo, e.sender, e.register, e.group);
          if (b.count >= MAX_REPLAY_WRITES) break;
        }
      } catch (e) {
        // An ftrace cpumask naming CPUs this topology lacks cannot be split for it.
        if (ftrace && e instanceof TraceParseError) throw new WorkloadUnsupportedError(`${name} on ${topology.name}: ${e.message}`);
        throw e;
      }
      if (b.count === 0) throw new WorkloadUnsupportedError(`${name}: the trace holds no SGI register writes`);
      return b.build();
    },
  };
}
