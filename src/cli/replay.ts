/** `vsgi replay`: real traces through every engine, checked against the reference and the trace's own deliveries. */
import type { Command } from "commander";
import { parseEngineList } from "../engines/index.ts";
import { UsageError } from "../errors.ts";
import { loadTopology, presetTopology } from "../topology/index.ts";
import { compareIntent, type IntentReport } from "../trace/intent.ts";
import { parseFormatOption } from "../trace/read.ts";
import { hasMismatch, type Mismatch, type ReplayReport, replayStream, replayTrace } from "../trace/replay.ts";
import { pct } from "../util/percent.ts";
import { action, checkFailed, printJson } from "./contract.ts";
import { engineFileOption, useEngineFiles } from "./engine-option.ts";

/** The human-readable summary of one replay. */
export function formatReplay(r: ReplayReport): string {
  const s = r.stats;
  const lines = [
    `${r.trace} (${r.format}, ${r.topology}): ${String(r.writes)} writes, ${String(r.deliveries)} recorded deliveries, ${String(r.lines)} lines` +
      (r.lenientSkipped > 0 ? `, ${String(r.lenientSkipped)} malformed lines skipped` : "") +
      `, ${String(r.foreignLines)} lines of other events or foreign text skipped` +
      (r.threadEvictions > 0 ? `, ${String(r.threadEvictions)} writes finished early (more pending threads than kept)` : ""),
    `  unicast ${pct(s.unicastShare, 2)}, cross-cluster ${pct(s.crossClusterShare, 2)}, IRM ${String(s.irm)}, targets/write ${JSON.stringify(s.targetsPerWrite)}, clusters/multicast ${JSON.stringify(s.clustersPerMulticast)}, by INTID ${JSON.stringify(s.byIntid)}`,
  ];
  for (const [name, e] of Object.entries(r.engines)) {
    lines.push(
      "unsupported" in e
        ? `  ${name.padEnd(16)} unsupported: ${e.unsupported}`
        : `  ${name.padEnd(16)} mismatches ${String(e.mismatches).padStart(6)}  visits ${String(e.visits).padStart(10)}` +
            (e.firstMismatch !== undefined ? `  first at line ${String(e.firstMismatch.line)}: expected [${e.firstMismatch.expected.join(",")}] got [${e.firstMismatch.actual.join(",")}]` : "") +
            (e.peer !== undefined ? `  [${e.peer}]` : ""),
    );
    if ("rules" in e) for (const [rule, n] of Object.entries(e.rules ?? {})) lines.push(`    rule on ${String(n)} writes: ${rule}`);
  }
  const o = r.oracle;
  const v2 = r.gicv2;
  if (v2 !== undefined) {
    lines.push(
      `  GICv2 oracle (VirtualGic GICv2 path): ${String(v2.writes)} GICD_SGIR writes reach ${String(v2.modelDeliveries)} CPUs (${String(v2.coalesced)} coalesced), QEMU acknowledged ${String(v2.acknowledged)} SGIs, ${String(v2.eoisChecked)} EOI sources checked, ${String(v2.pendingAtEnd)} left pending; ${String(v2.mismatches)} mismatches` +
        (v2.firstMismatch !== null ? ` (first at line ${String(v2.firstMismatch.line)}: ${v2.firstMismatch.message})` : ""),
    );
    return lines.join("\n");
  }
  lines.push(
    o.checked === 0
      ? "  oracle: the trace records no deliveries"
      : `  oracle: ${String(o.checked)} writes checked, ${String(o.mismatches)} mismatches` +
          (o.firstMismatch !== null ? ` (first at line ${String(o.firstMismatch.line)}: reference [${o.firstMismatch.expected.join(",")}], trace [${o.firstMismatch.actual.join(",")}])` : ""),
  );
  return lines.join("\n");
}

/** One line comparing guest intent (ipi_raise) with QEMU's writes. */
export function formatIntent(i: IntentReport): string {
  return `  intent (${i.console}): ${String(i.intentWrites)} writes from the guest's ipi_raise, ${String(i.qemuWrites)} logged by QEMU in the same window, ${String(i.matched)} on both (only QEMU ${String(i.onlyInQemu)}, only guest ${String(i.onlyInIntent)}); cpumasks split across clusters: ${String(i.splitIpis)}, all of whose writes QEMU logged: ${String(i.splitIpisInLog)}`;
}

export function registerReplay(program: Command): void {
  engineFileOption(program.command("replay"))
    .description("replay real traces (QEMU -trace log, ftrace ipi_raise, vsgi JSONL; gzip ok) through every engine; exit 1 on any mismatch")
    .argument("<trace...>", "trace files; - reads a plain-text trace from standard input as it is written (needs --topology; mismatches are printed as they are found)")
    .option("--topology <spec>", "kvm:<n>, qemu:<n>, sparse:<n> or a JSON file (default: the JSONL header's, else qemu:<vCPUs seen>)")
    .option("--engines <list>", "comma-separated engines or all", "all")
    .option("--format <format>", "auto, qemu, ftrace or jsonl", "auto")
    .option("--lenient", "skip and count malformed lines instead of failing")
    .option("--intent <console>", "also compare a capture's QEMU log with the guest's own ipi_raise dump (@@F lines) in this console file; one trace only")
    .option("--json", "print one JSON object (several traces: {\"reports\": [...]})")
    .action(
      action(async (traces: string[], opts: { topology?: string; engines: string; format: string; lenient?: boolean; intent?: string; json?: boolean; engine?: string[] }) => {
        await useEngineFiles(opts);
        if (traces.length === 0) throw new UsageError("no trace given");
        if (opts.intent !== undefined && traces.length !== 1) throw new UsageError("--intent compares one QEMU log with one console: give exactly one trace");
        const engines = parseEngineList(opts.engines);
        const format = parseFormatOption(opts.format);
        const reports: ReplayReport[] = [];
        if (traces.includes("-") && opts.topology === undefined) throw new UsageError("replay - (standard input) needs --topology: a stream cannot be read twice to find its vCPUs");
        if (traces.includes("-") && traces.length > 1) throw new UsageError("replay - reads standard input alone: give no other trace");
        for (const t of traces) {
          const live = (engine: string, m: Mismatch): void => {
            process.stdout.write(`mismatch at line ${String(m.line)} (${engine}): vCPU ${String(m.sender)} wrote ${m.value}; reference [${m.expected.join(",")}], ${engine === "oracle" ? "trace" : engine} [${m.actual.join(",")}]\n`);
          };
          const r =
            t === "-"
              ? await replayStream(process.stdin, "-", opts.topology!, { engines, format, lenient: opts.lenient === true, ...(opts.json === true ? {} : { onMismatch: live }) })
              : await replayTrace(t, { engines, format, lenient: opts.lenient === true, ...(opts.topology !== undefined ? { topology: opts.topology } : {}) });
          reports.push(r);
          if (opts.json !== true) process.stdout.write(`${formatReplay(r)}\n`);
        }
        let intent: IntentReport | undefined;
        if (opts.intent !== undefined) {
          const r0 = reports[0]!;
          intent = await compareIntent(r0.trace, opts.intent, opts.topology !== undefined ? loadTopology(opts.topology) : presetTopology(r0.topology.startsWith("qemu:") ? r0.topology : `qemu:${String(r0.vcpus)}`));
          if (opts.json !== true) process.stdout.write(`${formatIntent(intent)}\n`);
        }
        if (opts.json === true) printJson("replay", reports.length === 1 ? (intent !== undefined ? { ...reports[0], intent } : reports[0]!) : { reports });
        if (reports.some(hasMismatch)) {
          checkFailed(`mismatches found in ${reports.filter(hasMismatch).map((r) => r.trace).join(", ")}`);
        }
      }),
    );
}
