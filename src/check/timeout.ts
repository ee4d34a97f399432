/**
 * The report of a check the watchdog stopped (watchdog.ts): which engine call did not return, on
 * which layout and write, as a `vsgi route` line, with the parts of the check that finished
 * before it. Built by the CLI's parent process from what its child sent.
 */
import { isPresetSpec, presetTopology } from "../topology/presets.ts";
import type { CheckReport } from "./check.ts";
import { describeWrite, registerHex, routeCommand, shellWord, topologyFile } from "./counterexample.ts";
import type { CheckPart, StuckCall, WatchedCall } from "./watchdog.ts";

/** The call that did not return, ready to re-run. */
export interface CheckTimeout {
  readonly call: WatchedCall;
  readonly from: CheckPart;
  readonly limitMs: number;
  /** The `--topology` argument (a preset, or a JSON file written by the check); absent for load and create. */
  readonly topology?: string;
  readonly topologyJson?: string;
  /** dispatch only: the write, as in a counterexample, and how many writes the same prepared engine had taken before. */
  readonly sender?: number;
  readonly value?: string;
  readonly write?: string;
  readonly earlierWrites?: number;
  /** dispatch only: the `vsgi route` line that makes the same call (it does not return either). */
  readonly route?: string;
  /** The `vsgi check` line that stops the same way. */
  readonly rerun: string;
}

/** What `vsgi check --json` prints when the watchdog stopped the check: the parts that finished, and the call that did not. */
export interface CheckTimeoutReport {
  readonly schema: "vsgi-check/1";
  readonly engine: CheckReport["engine"];
  readonly verdict: "timeout";
  readonly seed: number;
  readonly property?: CheckReport["property"];
  readonly vectors?: CheckReport["vectors"];
  readonly traces?: CheckReport["traces"];
  readonly complexity?: CheckReport["complexity"];
  readonly timeout: CheckTimeout;
}

function sameLayout(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The `--topology` argument for the layout the watchdog recorded. */
function topologyOf(t: NonNullable<StuckCall["topology"]>, seed: number): { topology: string; topologyJson?: string } {
  if (!t.rss && isPresetSpec(t.name)) {
    try {
      if (sameLayout(presetTopology(t.name).affinity, t.affinity)) return { topology: t.name };
    } catch {
      // A name that looks like a preset but is not one: written to a file below.
    }
  }
  const { spec, json } = topologyFile(t, `timeout-seed-${String(seed)}`);
  return { topology: spec, topologyJson: json.trim() };
}

/** The `timeout` object of the report. */
export function checkTimeout(stuck: StuckCall, engineFile: string, seed: number, rerunArgs: readonly string[]): CheckTimeout {
  const rerun = ["vsgi check", shellWord(engineFile), ...rerunArgs.map(shellWord)].join(" ");
  const base = { call: stuck.call, from: stuck.part, limitMs: stuck.limitMs };
  if (stuck.topology === undefined || stuck.call === "load" || stuck.call === "create") return { ...base, rerun };
  const layout = topologyOf(stuck.topology, seed);
  if (stuck.call === "prepare" || stuck.hi === undefined || stuck.lo === undefined || stuck.sender === undefined) return { ...base, ...layout, rerun };
  return {
    ...base,
    ...layout,
    sender: stuck.sender,
    value: registerHex(stuck.hi, stuck.lo),
    write: describeWrite(stuck.hi, stuck.lo),
    earlierWrites: stuck.earlier ?? 0,
    route: routeCommand(engineFile, layout.topology, stuck.sender, stuck.hi, stuck.lo),
    rerun,
  };
}

const PART_TEXT: Record<CheckPart, string> = {
  load: "loading the engine",
  property: "random layouts and writes",
  vector: "conformance vectors",
  trace: "real traces",
  complexity: "visits against VM size",
};

/** The one-line summary (the error line, and the report's last line). */
export function timeoutSummary(r: CheckTimeoutReport): string {
  const t = r.timeout;
  const what = t.call === "load" ? "the engine module did not finish loading" : `${t.call}() did not return`;
  return `${r.engine.name}: ${what} within ${String(t.limitMs)} ms (${PART_TEXT[t.from]}${t.topology !== undefined ? `, topology ${t.topology}` : ""}${t.value !== undefined ? `, sender ${String(t.sender)}, write ${t.value}` : ""})`;
}

/** The report as text. */
export function formatTimeout(r: CheckTimeoutReport): string {
  const t = r.timeout;
  const lines = [`vsgi check ${r.engine.file}: engine "${r.engine.name}" (${r.engine.kind === "c" ? "C, ABI 1" : r.engine.kind.toUpperCase()})`];
  const done = [r.property && "random layouts and writes", r.vectors && "conformance vectors", r.traces && "real traces", r.complexity && "visits against VM size"].filter((x) => typeof x === "string");
  lines.push(`finished before it stopped: ${done.length > 0 ? done.join(", ") : "nothing"}`);
  lines.push(`TIMEOUT (${PART_TEXT[t.from]}${t.from === "property" ? `, seed ${String(r.seed)}` : ""}): ${t.call === "load" ? "loading the engine" : `${t.call}()`} did not return within ${String(t.limitMs)} ms; the check stopped it`);
  if (t.topology !== undefined) lines.push(`  topology ${t.topology}${t.value !== undefined ? `, sender vCPU ${String(t.sender)}, write ${t.value}` : ""}`);
  if (t.topologyJson !== undefined) lines.push(`  (that file: ${t.topologyJson.length > 400 ? `${t.topologyJson.slice(0, 400)}…` : t.topologyJson})`);
  if (t.write !== undefined) lines.push(`  ${t.write}`);
  if (t.earlierWrites !== undefined && t.earlierWrites > 0) lines.push(`  after ${String(t.earlierWrites)} earlier write(s) on the same prepared engine`);
  if (t.route !== undefined) lines.push(`  re-run: ${t.route}   (route has no time limit: it will not return either; stop it with Ctrl-C)`);
  lines.push(`  re-check: ${t.rerun}`);
  lines.push(`FAIL: ${timeoutSummary(r)}`);
  return lines.join("\n");
}
