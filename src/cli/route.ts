/** `vsgi route`: which vCPUs a write reaches, on every engine, with visits. */
import type { Command } from "commander";
import { decodeGicdSgir } from "../arch/gicd-sgir.ts";
import { decodeSgiRegister, parseSgiRegisterName, sgiWriteToJson } from "../arch/sgi-register.ts";
import { ENGINE_NAMES, type EngineName, prepareEngines, RecordingSink, type RouteResult, routeOnEngines } from "../engines/index.ts";
import { checkVcpu, TopologyError } from "../errors.ts";
import { GICV2_MAX_CPUS, gicdSgirTargetMask } from "../gic.ts";
import { loadTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import { REGISTER_CHOICES } from "./decode.ts";
import { action, printJson } from "./contract.ts";
import { parseNonNegativeInt } from "./util.ts";

/** What `vsgi route --json` prints. */
export interface RouteOutput {
  readonly topology: string;
  readonly sender: number;
  readonly write: Record<string, string | number>;
  readonly targets: number[];
  readonly warnings: string[];
  readonly engines: Record<string, RouteResult>;
}

/** Routes one write; the function behind `vsgi route`. */
export function route(topology: Topology, sender: number, hex: string, reg: string, strict: boolean): RouteOutput {
  checkVcpu(sender, topology.count, "--sender");
  const warnings: string[] = [];
  if (reg.toLowerCase() === "gicd-sgir") {
    if (topology.count > GICV2_MAX_CPUS) throw new TopologyError(`GICD_SGIR needs a GICv2 VM of at most ${String(GICV2_MAX_CPUS)} CPUs; ${topology.name} has ${String(topology.count)}`, topology.name);
    const w = decodeGicdSgir(hex, { strict });
    const mask = gicdSgirTargetMask(w, sender, topology.count);
    if (mask < 0) warnings.push("TargetListFilter 3 is reserved: no SGI is generated");
    const targets = [];
    for (let v = 0; v < topology.count; v++) if (mask > 0 && ((mask >>> v) & 1) === 1) targets.push(v);
    const engines: Record<string, RouteResult> = {};
    for (const name of ENGINE_NAMES) engines[name] = { unsupported: "GICD_SGIR is a GICv2 distributor write; the engines dispatch GICv3 ICC_SGI*R_EL1 writes" };
    return { topology: topology.name, sender, write: { register: "gicd-sgir", ...w }, targets, warnings, engines };
  }
  const w = decodeSgiRegister(hex, parseSgiRegisterName(reg), { strict });
  if (w.rs !== 0 && w.irm === 0 && !topology.rss) {
    warnings.push(`RS = ${String(w.rs)} on a VM without RSS: RS is RES0 and treated as 0 (as KVM and QEMU do)`);
  }
  if (w.irm === 1 && (w.targetList | w.aff1 | w.aff2 | w.aff3 | w.rs) !== 0) warnings.push("IRM = 1: Aff3, Aff2, Aff1, RS and TargetList are ignored (all but self)");
  const prepared = prepareEngines(topology);
  const results = routeOnEngines(prepared, w, sender, new RecordingSink(topology.count));
  const reference = results.get("reference");
  const engines: Record<string, RouteResult> = {};
  for (const [name, r] of results) engines[name] = r;
  return { topology: topology.name, sender, write: sgiWriteToJson(w), targets: reference !== undefined && "targets" in reference ? reference.targets : [], warnings, engines };
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
    .option("--json", "print one JSON object")
    .action(
      action((hex: string, opts: { topology: string; sender: string; reg: string; lenient?: boolean; json?: boolean }) => {
        const topology = loadTopology(opts.topology);
        const out = route(topology, parseNonNegativeInt(opts.sender, "--sender"), hex, opts.reg, opts.lenient !== true);
        if (opts.json === true) {
          const { targets, warnings, engines, ...rest } = out;
          printJson("route", { targets, warnings, engines, ...rest });
          return;
        }
        const lines = [`${hex} from vCPU ${String(out.sender)} on ${out.topology}: targets ${formatTargets(out.targets)}`];
        for (const w of out.warnings) lines.push(`warning: ${w}`);
        for (const name of ENGINE_NAMES as readonly EngineName[]) {
          const r = out.engines[name];
          if (r === undefined) continue;
          lines.push(
            "unsupported" in r
              ? `  ${name.padEnd(16)} unsupported: ${r.unsupported}`
              : `  ${name.padEnd(16)} visits ${String(r.visits).padStart(5)}  targets ${formatTargets(r.targets)}`,
          );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
