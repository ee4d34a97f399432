/** `vsgi route`'s per-vCPU flags: `--group0` and `--offline`. */
import { DEFAULT_PEER_INPUTS, type PeerInputs } from "../engines/peer-outcome.ts";
import { UsageError } from "../errors.ts";
import type { Topology } from "../topology/topology.ts";

/**
 * Per-vCPU configuration from `--group0 1:1,2:5` (vCPU:INTID set to Group 0) and `--offline 3,4`.
 * @throws UsageError on a malformed item or a vCPU / INTID out of range.
 */
export function peerInputsFromFlags(topology: Topology, group0: string | undefined, offline: string | undefined): PeerInputs {
  if (group0 === undefined && offline === undefined) return DEFAULT_PEER_INPUTS;
  const g0 = new Set<number>();
  for (const item of group0?.split(",") ?? []) {
    const m = /^\s*([0-9]+):([0-9]+)\s*$/.exec(item);
    if (m === null) throw new UsageError(`--group0: "${item}" is not vcpu:intid (e.g. 1:1)`, item);
    const [v, i] = [Number(m[1]), Number(m[2])];
    if (v >= topology.count) throw new UsageError(`--group0: unknown vCPU ${String(v)} (the VM has ${String(topology.count)})`, item);
    if (i > 15) throw new UsageError(`--group0: INTID ${String(i)} is not an SGI (0..15)`, item);
    g0.add(v * 16 + i);
  }
  const off = new Set<number>();
  for (const item of offline?.split(",") ?? []) {
    if (!/^\s*[0-9]+\s*$/.test(item)) throw new UsageError(`--offline: "${item}" is not a vCPU number`, item);
    const v = Number(item);
    if (v >= topology.count) throw new UsageError(`--offline: unknown vCPU ${String(v)} (the VM has ${String(topology.count)})`, item);
    off.add(v);
  }
  return { groupOf: (v, i) => (g0.has(v * 16 + i) ? 0 : 1), isOnline: (v) => !off.has(v) };
}

