/**
 * Explicit layouts from JSON: `{"rss": false, "mpidrs": ["0x0", "0x100", ...]}` where the
 * index is the vCPU id and each entry is MPIDR_EL1 as hex text or a number. `"userspace": true`
 * accepts what a VMM may write into KVM (duplicate MPIDRs, Aff0 > 15 without RSS).
 *
 * The shape is checked with valibot (one module, ~6 KB; zod cost 96 modules and ~70 ms of
 * start-up, zod/mini 93 modules and ~55 ms — measured for issue 13). A problem is reported as
 * `file:line:column: json.path: message`, the position being that of the offending value (or key).
 */
import * as v from "valibot";
import { lineColumn, parseJsonStrict } from "../json.ts";
import { offsetOfPath } from "./json-position.ts";
import { affinityOfMpidr } from "../arch/mpidr.ts";
import { describeValue, TopologyError } from "../errors.ts";
import { MAX_VCPUS, Topology } from "./topology.ts";

/** Topology files larger than this are refused before parsing (4096 MPIDRs need ~100 KiB). */
export const MAX_TOPOLOGY_JSON_BYTES = 1 << 20;

/** One MPIDR_EL1 value: hex text (`"0x100"`, `"0x1_0000_0000"`) or a number. */
const MpidrJson = v.union([v.pipe(v.string(), v.maxLength(40, "an MPIDR string is at most 40 characters")), v.number()], "expected an MPIDR: hex text or a number");

/**
 * The document's shape. Strict: an unknown key is an error, so a typo never goes unnoticed.
 * To add a field, add one entry here (`v.optional(...)` unless every file must have it) and read
 * it in `parseTopologyJson`; the error formatting below needs no change.
 */
const TopologyJson = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.maxLength(200, "a name is at most 200 characters"))),
  rss: v.optional(v.boolean("expected true or false")),
  /** Accept MPIDRs as userspace may write them into KVM (duplicates, Aff0 > 15); default strict. */
  userspace: v.optional(v.boolean("expected true or false")),
  mpidrs: v.pipe(
    v.array(MpidrJson, "expected an array of MPIDRs"),
    v.minLength(1, "the vCPU list is empty"),
    v.maxLength(MAX_VCPUS, `more than ${String(MAX_VCPUS)} vCPUs`),
  ),
});

// No exported type is derived from the schema: the published .d.ts must not need valibot's
// types (they reference DOM Blob/File, which a consumer without DOM or @types/node lacks).

type IssuePath = readonly (string | number)[];

function jsonPath(path: IssuePath): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${String(p)}]` : s === "" ? p : `.${p}`;
  return s === "" ? "(top level)" : s;
}

/** The `file:line:column` of the node at `path` (its key when `atKey`), or of the document. */
function positionOf(text: string, source: string, path: IssuePath, atKey: boolean): string {
  const { line, column } = lineColumn(text, offsetOfPath(text, path, atKey));
  return `${source}:${String(line)}:${String(column)}`;
}

/** One readable message for valibot's first issue, with the JSON path it is about. */
function describeIssue(issue: v.BaseIssue<unknown>): { path: IssuePath; atKey: boolean; message: string } {
  const path: (string | number)[] = [];
  let atKey = false;
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (typeof key === "string" || typeof key === "number") path.push(key);
    if (item.origin === "key") atKey = true;
  }
  if (issue.type === "strict_object" && atKey) {
    const key = String(path[path.length - 1]);
    if (issue.received === "undefined") return { path: path.slice(0, -1), atKey: false, message: `missing required field "${key}"` };
    return { path, atKey, message: `unknown field "${key}"` };
  }
  if (issue.type === "strict_object") return { path, atKey, message: `expected an object, got ${issue.received}` };
  // Default valibot messages ("Invalid type: Expected boolean but received \"yes\"") are clear
  // enough; the custom ones above read better for the common mistakes.
  const custom = !issue.message.startsWith("Invalid");
  // valibot names an object by its constructor, and parsed objects have none (no prototype).
  const got = typeof issue.input === "object" && issue.input !== null && !Array.isArray(issue.input) ? "an object" : issue.received;
  return { path, atKey, message: custom && issue.kind === "schema" ? `${issue.message} (got ${got})` : issue.message };
}

/**
 * Parses a topology JSON document. `source` names it in errors (a file name).
 * @throws TopologyError naming `file:line:column` and the JSON path of a syntax error or a bad field.
 * @example
 * ```ts
 * parseTopologyJson('{"mpidrs": ["0x0", "0x1"]}', "two.json").count; // 2
 * ```
 */
export function parseTopologyJson(text: string, source: string): Topology {
  if (typeof source !== "string") source = "topology JSON";
  if (typeof text !== "string") throw new TopologyError(`${source}: the topology JSON must be text, got ${describeValue(text)}`, describeValue(text));
  if (text.length > MAX_TOPOLOGY_JSON_BYTES) {
    throw new TopologyError(`${source}: topology file is ${String(text.length)} bytes, over the ${String(MAX_TOPOLOGY_JSON_BYTES)}-byte limit`, source);
  }
  const raw = parseJsonStrict(text, source, TopologyError);
  const fail = (path: IssuePath, atKey: boolean, message: string): never => {
    const at = positionOf(text, source, path, atKey);
    throw new TopologyError(`${at}: ${jsonPath(path)}: ${message}`, source, `${at}: ${jsonPath(path)}`);
  };
  // valibot takes an array for an object with missing keys; say what the document is instead.
  if (Array.isArray(raw)) fail([], false, "expected an object, got an array");
  const parsed = v.safeParse(TopologyJson, raw, { abortEarly: true });
  if (!parsed.success) {
    const { path, atKey, message } = describeIssue(parsed.issues[0]);
    return fail(path, atKey, message);
  }
  const { mpidrs, rss = false, userspace = false, name } = parsed.output;
  const affs = mpidrs.map((m, i) => {
    try {
      return affinityOfMpidr(m, `${source}: mpidrs[${String(i)}]`);
    } catch {
      // Only on failure: find the entry's line and column, and let the same check throw with them.
      return affinityOfMpidr(m, `${positionOf(text, source, ["mpidrs", i], false)}: mpidrs[${String(i)}]`);
    }
  });
  return new Topology(name ?? source, affs, rss, { userspace });
}
