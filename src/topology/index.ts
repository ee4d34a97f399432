/** vCPU layouts: presets, JSON files, validation. */
import { describeValue, TopologyError } from "../errors.ts";
import { readInputFile } from "../util/read-input.ts";
import { MAX_TOPOLOGY_JSON_BYTES, parseTopologyJson } from "./json.ts";
import { isPresetSpec, presetTopology } from "./presets.ts";
import type { Topology } from "./topology.ts";

export { MAX_TOPOLOGY_JSON_BYTES, parseTopologyJson } from "./json.ts";
export { isPresetSpec, kvmDefaultAffinity, PRESET_NAMES, presetTopology, qemuVirtAffinity, sparseHostAffinity } from "./presets.ts";
export { MAX_VCPUS, Topology } from "./topology.ts";

/**
 * A topology from a preset (`kvm:512`, `qemu:8`, `sparse:512`) or a JSON file path.
 * @example loadTopology("kvm:64").count // 64
 */
export function loadTopology(spec: string): Topology {
  if (typeof spec !== "string") throw new TopologyError(`a topology must be a preset such as "kvm:64" or a JSON file path, got ${describeValue(spec)}`, describeValue(spec));
  if (isPresetSpec(spec)) return presetTopology(spec);
  // Bounded by the bytes actually read; a FIFO, a device or a directory is refused, never read.
  const text = readInputFile(spec, MAX_TOPOLOGY_JSON_BYTES, (message, problem) =>
    problem === "open" ? new TopologyError(`topology "${spec}" is neither a preset (kvm:<n>, qemu:<n>, sparse:<n>) nor a readable file (${message})`, spec) : new TopologyError(message, spec),
  );
  return parseTopologyJson(text, spec);
}
