/** vCPU layouts: presets, JSON files, validation. */
import { readFileSync, statSync } from "node:fs";
import { TopologyError } from "../errors.ts";
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
  if (isPresetSpec(spec)) return presetTopology(spec);
  let size: number;
  try {
    size = statSync(spec).size;
  } catch {
    throw new TopologyError(`topology "${spec}" is neither a preset (kvm:<n>, qemu:<n>, sparse:<n>) nor a readable file`, spec);
  }
  if (size > MAX_TOPOLOGY_JSON_BYTES) {
    throw new TopologyError(`${spec}: topology file is ${String(size)} bytes, over the ${String(MAX_TOPOLOGY_JSON_BYTES)}-byte limit`, spec);
  }
  let text: string;
  try {
    text = readFileSync(spec, "utf8");
  } catch (e) {
    // e.g. a directory (EISDIR) or a file that vanished since the stat.
    throw new TopologyError(`topology "${spec}" cannot be read: ${e instanceof Error ? e.message : String(e)}`, spec);
  }
  return parseTopologyJson(text, spec);
}
