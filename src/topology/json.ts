/**
 * Explicit layouts from JSON: `{"rss": false, "mpidrs": ["0x0", "0x100", ...]}` where the
 * index is the vCPU id and each entry is MPIDR_EL1 as hex text or a number.
 */
import { z } from "zod";
import { parseJsonStrict } from "../json.ts";
import { affinityOfMpidr } from "../arch/mpidr.ts";
import { TopologyError } from "../errors.ts";
import { MAX_VCPUS, Topology } from "./topology.ts";

/** Topology files larger than this are refused before parsing (4096 MPIDRs need ~100 KiB). */
export const MAX_TOPOLOGY_JSON_BYTES = 1 << 20;

const TopologyJson = z.strictObject({
  name: z.string().max(200).optional(),
  rss: z.boolean().optional(),
  mpidrs: z.array(z.union([z.string().max(40), z.number()])).min(1, "the vCPU list is empty").max(MAX_VCPUS, `more than ${String(MAX_VCPUS)} vCPUs`),
});

function jsonPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${String(p)}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(top level)" : s;
}

/**
 * Parses a topology JSON document. `source` names it in errors (a file name).
 * @throws TopologyError naming the line and column of a syntax error, or the JSON path of a bad field.
 * @example parseTopologyJson('{"mpidrs": ["0x0", "0x1"]}', "two.json").count // 2
 */
export function parseTopologyJson(text: string, source: string): Topology {
  if (text.length > MAX_TOPOLOGY_JSON_BYTES) {
    throw new TopologyError(`${source}: topology file is ${String(text.length)} bytes, over the ${String(MAX_TOPOLOGY_JSON_BYTES)}-byte limit`, source);
  }
  const raw = parseJsonStrict(text, source, TopologyError);
  const parsed = TopologyJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = jsonPath(issue?.path ?? []);
    throw new TopologyError(`${source}: ${path}: ${issue?.message ?? "invalid"}`, source, `${source}: ${path}`);
  }
  const { mpidrs, rss = false, name } = parsed.data;
  const affs = mpidrs.map((m, i) => affinityOfMpidr(m, `${source}: mpidrs[${String(i)}]`));
  return new Topology(name ?? source, affs, rss);
}
