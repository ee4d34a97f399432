/** `vsgi route`: which vCPUs a write reaches, on every engine, with visits. */
import type { Command } from "commander";
import { decodeGicdSgir } from "../arch/gicd-sgir.ts";
import { decodeSgiRegister, parseSgiRegisterName, sgiWriteToJson } from "../arch/sgi-register.ts";
import { ENGINE_NAMES, type EngineName, KvmMpidrIndexEngine, prepareEngines, RecordingSink, routeOnEngines } from "../engines/index.ts";
import { PAGE_SIZES, type PageSize } from "../engines/kvm-mpidr-index.ts";
import type { PeerInputs } from "../engines/peer-outcome.ts";
import { UsageError } from "../errors.ts";
import { checkVcpu } from "../errors.ts";
import { loadTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import { REGISTER_CHOICES } from "./decode.ts";
import { ambiguityWarnings, gicv2PeerResults, peerInputsFromFlags, type RouteEngineOutput, withPeerRules } from "./route-peers.ts";
import { action, parseNonNegativeInt, printJson } from "./util.ts";

/** What `vsgi route --json` prints. */
export interface RouteOutput {
  readonly topology: string;
  readonly sender: number;
  readonly write: Record<string, string | number>;
  readonly targets: number[];
  readonly warnings: string[];
  readonly engines: Record<string, RouteEngineOutput>;
}

/** How `route` configures the VM beyond its layout. */
export interface RouteOptions {
  /** Per-vCPU groups and power state (default: all Group 1, all online). */
  readonly inputs?: PeerInputs;
  /** Host page size for KVM ≥ 6.7's index table (default 4096). */
  readonly pageSize?: PageSize;
}

/** Routes one write; the function behind `vsgi route`. */
export function route(topology: Topology, sender: number, hex: string, reg: string, strict: boolean, options: RouteOptions = {}): RouteOutput {
  checkVcpu(sender, topology.count, "--sender");
  const inputs = options.inputs ?? { groupOf: () => 1 as const, isOnline: () => true };
  const warnings: string[] = ambiguityWarnings(topology);
  if (reg.toLowerCase() === "gicd-sgir") {
    // Strict decoding rejects the reserved filter 3; --lenient routes it on every peer.
    const w = decodeGicdSgir(hex, { strict });
    const engines = gicv2PeerResults(ENGINE_NAMES, w, sender, inputs, topology);
    const vsgi = engines.vsgi;
    if (topology.count > 8) warnings.push(`GICv2 has at most 8 CPU interfaces; ${topology.name} has ${String(topology.count)}`);
    if (w.targetListFilter === 3) warnings.push("TargetListFilter 3 is reserved: the architecture generates no SGI; peers differ (see engines.*.rules)");
    return { topology: topology.name, sender, write: { register: "gicd-sgir", ...w }, targets: vsgi?.pending ?? [], warnings, engines };
  }
  const w = decodeSgiRegister(hex, parseSgiRegisterName(reg), { strict });
  if (w.rs !== 0 && w.irm === 0 && !topology.rss) {
    warnings.push(`RS = ${String(w.rs)} on a VM without RSS: RS is RES0 and treated as 0 (as KVM and QEMU do)`);
  }
  if (w.irm === 1 && (w.targetList | w.aff1 | w.aff2 | w.aff3 | w.rs) !== 0) warnings.push("IRM = 1: Aff3, Aff2, Aff1, RS and TargetList are ignored (all but self)");
  const prepared = prepareEngines(topology).map((p) => {
    if (p.engine.name !== "kvm-mpidr-index" || options.pageSize === undefined) return p;
    const engine = new KvmMpidrIndexEngine({ pageSize: options.pageSize });
    return { engine, support: engine.prepare(topology) };
  });
  const sink = new RecordingSink(topology.count);
  const results = routeOnEngines(prepared, w, sender, sink);
  const reference = results.get("reference");
  const engines = withPeerRules(prepared, results, w, inputs, topology);
  // KVM 6.7–6.9 differ from 6.10+ only in the visits of a table miss: show both.
  const v67 = new KvmMpidrIndexEngine({ version: "6.7", ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}) });
  const index = engines["kvm-mpidr-index"];
  if (v67.prepare(topology).supported && index !== undefined && "targets" in index) {
    sink.clear();
    engines["kvm-mpidr-index"] = { ...index, variants: { "kvm-6.7": { visits: v67.dispatch(w, sender, sink) } } };
  }
  return { topology: topology.name, sender, write: sgiWriteToJson(w), targets: reference !== undefined && "targets" in reference ? reference.targets : [], warnings, engines };
}

function parsePageSize(text: string): PageSize {
  const n = /^(4|16|64)k$/i.test(text) ? Number(text.slice(0, -1)) * 1024 : Number(text);
  if (!(PAGE_SIZES as readonly number[]).includes(n)) throw new UsageError(`--page-size: "${text}" is not an arm64 page size (4k, 16k or 64k)`, text);
  return n as PageSize;
}

function formatTargets(t: readonly number[]): string {
  return t.length === 0 ? "(none)" : t.length > 24 ? `${t.slice(0, 24).join(", ")}, … (${String(t.length)} in all)` : t.join(", ");
}

export function registerRoute(program: Command): void {
  program
    .command("route")
    .description("show which vCPUs a register write reaches, on every dispatch engine, with visits")
    .argument("<hex>", "register value in hex, e.g. 0x011F8001")
    .requiredOption("--topology <spec>", "kvm:<n>, qemu:<n>, sparse:<n> or a JSON file")
    .requiredOption("--sender <id>", "the writing vCPU")
    .option("--reg <register>", `register kind: ${REGISTER_CHOICES}`, "sgi1r")
    .option("--lenient", "ignore RES0 bits as hardware does instead of rejecting them")
    .option("--group0 <list>", "vCPU:INTID pairs configured as Group 0, e.g. 1:1,2:5 (default: every SGI Group 1)")
    .option("--offline <vcpus>", "vCPUs powered off (never CPU_ON'd), e.g. 3,4")
    .option("--page-size <size>", "host page size for KVM ≥ 6.7's index table: 4k (default), 16k or 64k")
    .option("--json", "print one JSON object")
    .action(
      action((hex: string, opts: { topology: string; sender: string; reg: string; lenient?: boolean; json?: boolean; group0?: string; offline?: string; pageSize?: string }) => {
        const topology = loadTopology(opts.topology);
        const inputs = peerInputsFromFlags(topology, opts.group0, opts.offline);
        const out = route(topology, parseNonNegativeInt(opts.sender, "--sender"), hex, opts.reg, opts.lenient !== true, {
          inputs,
          ...(opts.pageSize !== undefined ? { pageSize: parsePageSize(opts.pageSize) } : {}),
        });
        if (opts.json === true) {
          const { targets, warnings, engines, ...rest } = out;
          printJson({ targets, warnings, engines, ...rest });
          return;
        }
        const lines = [`${hex} from vCPU ${String(out.sender)} on ${out.topology}: targets ${formatTargets(out.targets)}`];
        for (const w of out.warnings) lines.push(`warning: ${w}`);
        for (const name of ENGINE_NAMES as readonly EngineName[]) {
          const r = out.engines[name];
          if (r === undefined) continue;
          const peer = r.peer !== undefined ? ` [${r.peer}]` : "";
          if ("unsupported" in r) {
            lines.push(r.pending !== undefined ? `  ${name.padEnd(16)}${peer} pending ${formatTargets(r.pending)}` : `  ${name.padEnd(16)}${peer} ${r.unsupported}`);
            if (r.projection !== undefined) lines.push(`    ${r.projection.label}: visits ${String(r.projection.visits)}, targets ${formatTargets(r.projection.targets)}`);
          } else {
            const pending = r.pending !== undefined && r.pending.length !== r.targets.length ? `  pending ${formatTargets(r.pending)}` : "";
            lines.push(`  ${name.padEnd(16)}${peer} visits ${String(r.visits).padStart(5)}  targets ${formatTargets(r.targets)}${pending}`);
          }
          for (const rule of r.rules ?? []) lines.push(`    rule: ${rule}`);
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
