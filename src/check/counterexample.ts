/**
 * A counterexample as a human re-runs it: the layout as a `--topology` argument (a preset, or a
 * JSON file written for the purpose), the write as a `vsgi route` command line with the plugin,
 * and what the reference and the engine each reached.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatAffinity, mpidrOfAffinity } from "../arch/mpidr.ts";
import { decodeSgiInto, newSgiWrite, SGI_RES0_HI, SGI_RES0_LO } from "../arch/sgi-register.ts";
import { formatHex, joinU64 } from "../arch/value.ts";
import type { LayoutSpec } from "./arbitraries.ts";
import { layoutTopology } from "./arbitraries.ts";

/** A topology argument for `--topology`: a preset, or the path of a JSON file written for it. */
export function topologyArgument(layout: LayoutSpec, seed: number): { spec: string; json?: string } {
  if (layout.family === "kvm" || layout.family === "qemu" || layout.family === "sparse") return { spec: `${layout.family}:${String(layout.count)}` };
  return topologyFile(layoutTopology(layout), `counterexample-seed-${String(seed)}`);
}

/** Writes the layout as a topology JSON file `<stem>.json` in the system's temp folder. */
export function topologyFile(t: { readonly name: string; readonly rss: boolean; readonly affinity: ArrayLike<number> }, stem: string): { spec: string; json: string } {
  const mpidrs = Array.from(t.affinity, (a) => formatHex(mpidrOfAffinity(a)));
  const json = `${JSON.stringify({ name: t.name, rss: t.rss, mpidrs })}\n`;
  const dir = join(tmpdir(), "vsgi-check");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${stem}.json`);
  writeFileSync(path, json);
  return { spec: path, json };
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The register value `hi:lo` in hex. */
export function registerHex(hi: number, lo: number): string {
  return formatHex(joinU64(hi, lo));
}

/** The `vsgi route` command line that replays one write on the plugin beside the built-ins. */
export function routeCommand(engineFile: string, topology: string, sender: number, hi: number, lo: number): string {
  const lenient = (hi & SGI_RES0_HI) !== 0 || (lo & SGI_RES0_LO) !== 0 ? " --lenient" : "";
  return `vsgi route --topology ${shellWord(topology)} --sender ${String(sender)} ${registerHex(hi, lo)} --engine ${shellWord(engineFile)}${lenient}`;
}

/** The fields of a write, as a reader checks them against the spec. */
export function describeWrite(hi: number, lo: number): string {
  const w = newSgiWrite();
  const res0 = decodeSgiInto(w, hi, lo, 0);
  const fields = w.irm === 1 ? "IRM 1 (every vCPU but the sender)" : `Aff3.Aff2.Aff1 ${String(w.aff3)}.${String(w.aff2)}.${String(w.aff1)}, TargetList ${formatHex(w.targetList)}, RS ${String(w.rs)}`;
  return `ICC_SGI1R_EL1 INTID ${String(w.intid)}, ${fields}${res0 !== 0 ? ", RES0 bits set" : ""}`;
}

/** A target list for people: ids with their affinities, shortened past 16. */
export function formatTargets(targets: readonly number[], affinity: Uint32Array): string {
  if (targets.length === 0) return "(none)";
  const shown = targets.slice(0, 16).map((v) => `${String(v)} (${formatAffinity(affinity[v] ?? 0)})`);
  return shown.join(", ") + (targets.length > 16 ? `, … (${String(targets.length)} in all)` : "");
}
