/** The human form of a `vsgi check` report. */
import type { CheckReport, Counterexample } from "./check.ts";
import { formatComplexity } from "./complexity.ts";

function list(t: readonly number[]): string {
  if (t.length === 0) return "(none)";
  return t.length > 24 ? `${t.slice(0, 24).join(", ")}, … (${String(t.length)} in all)` : t.join(", ");
}

function counterexampleLines(c: Counterexample): string[] {
  const lines: string[] = [];
  const origin =
    c.from === "property"
      ? `random case, seed ${String(c.seed)}, shrunk in ${String(c.shrinks)} steps`
      : c.from === "vector"
        ? (c.where ?? "conformance vector")
        : `real trace ${c.where ?? ""}`;
  lines.push(`COUNTEREXAMPLE (${origin})`);
  if (c.value === "") {
    lines.push(`  topology ${c.topology}: ${c.error ?? ""}`);
  } else {
    lines.push(`  topology ${c.topology}, sender vCPU ${String(c.sender)}, write ${c.value}`);
    if (c.topologyJson !== undefined) lines.push(`  (that file: ${c.topologyJson.length > 400 ? `${c.topologyJson.slice(0, 400)}…` : c.topologyJson})`);
    lines.push(`  ${c.write}`);
    if (c.earlierWrites !== undefined && c.earlierWrites.length > 0) {
      lines.push(`  after ${String(c.earlierWrites.length)} earlier write(s) on the same prepared engine: ${c.earlierWrites.map((w) => `${w.value} from ${String(w.sender)}`).join(", ")}`);
    }
    lines.push(`  expected targets: ${list(c.expected)}`);
    lines.push(`  actual targets:   ${list(c.actual)}   (visits ${String(c.visits)}${c.duplicates > 0 ? `, ${String(c.duplicates)} duplicate deliveries` : ""})`);
    if (c.error !== undefined) lines.push(`  engine error: ${c.error}`);
    lines.push(`  re-run: ${c.route}`);
  }
  if (c.rerun !== undefined) lines.push(`  re-check: ${c.rerun}`);
  return lines;
}

/** The report as text (what `vsgi check` prints without --json). */
export function formatCheck(r: CheckReport): string {
  const p = r.property;
  const fam = Object.entries(p.families)
    .map(([f, v]) => `${f} ${String(v.checked)}${v.unsupported > 0 ? `+${String(v.unsupported)} unsupported` : ""}`)
    .join(", ");
  const lines = [`vsgi check ${r.engine.file}: engine "${r.engine.name}" (${r.engine.kind === "c" ? "C, ABI 1" : r.engine.kind.toUpperCase()})`];
  lines.push(`random layouts and writes (seed ${String(r.seed)}): ${String(p.runs)} cases run; ${String(p.checkedLayouts)} layouts checked (${fam}), ${String(p.checkedWrites)} writes compared with the reference`);
  lines.push(`  unsupported layouts: ${String(p.unsupportedLayouts)}${p.unsupportedLayouts > 0 ? " — allowed, listed with the engine's reasons:" : ""}`);
  for (const u of p.unsupportedReasons.slice(0, 5)) lines.push(`    ${String(u.count).padStart(4)} × ${u.reason} (e.g. ${u.example})`);
  if (p.unsupportedReasons.length > 5) lines.push(`    … ${String(p.unsupportedReasons.length - 5)} more distinct reasons (all in --json)`);
  const v = r.vectors;
  lines.push(`conformance vectors (${v.file.replace(/^.*[\/](conformance[\/])/, "$1")}): ${String(v.passed)} passed, ${String(v.failed.length)} failed, ${String(v.skipped.length)} skipped`);
  for (const f of v.failed) lines.push(`  FAILED ${f.id} (write ${String(f.write)}): expected ${list(f.failure.expected)}, got ${list(f.failure.actual.targets)}`);
  const why = new Map<string, number>();
  for (const s of v.skipped) why.set(s.why, (why.get(s.why) ?? 0) + 1);
  for (const [w, n] of why) lines.push(`  skipped ${String(n)}: ${w}`);
  const t = r.traces;
  if (t.traces.length === 0) {
    lines.push(`real traces: none found (looked in ${t.searched.join(", ")}; the npm package ships no traces — run the check in a vsgi checkout to replay them)`);
  } else {
    const skipped = t.traces.filter((x) => "unsupported" in x).length;
    lines.push(`real traces (${t.searched.join(", ")}): ${String(t.traces.length - skipped)} replayed${skipped > 0 ? `, ${String(skipped)} not applicable` : ""}`);
    for (const x of t.traces) {
      lines.push(
        "unsupported" in x
          ? `  ${x.trace} on ${x.topology}: unsupported: ${x.unsupported}`
          : `  ${x.trace} on ${x.topology}: ${String(x.writes)} writes, ${String(x.mismatches)} mismatches`,
      );
    }
  }
  lines.push(formatComplexity(r.complexity));
  if (r.counterexample !== undefined) lines.push(...counterexampleLines(r.counterexample));
  lines.push(
    r.verdict === "pass"
      ? `PASS: ${r.engine.name} agrees with the reference on every checked layout, vector and trace`
      : r.verdict === "nothing-checked"
        ? `FAIL: ${r.engine.name} refused every random layout, so nothing was checked`
        : `FAIL: ${r.engine.name} disagrees with the reference`,
  );
  return lines.join("\n");
}
