/** `vsgi route`: which vCPUs a write reaches, on every engine, with visits. */
import type { Command } from "commander";
import { sgiWriteToJson } from "../arch/sgi-register.ts";
import { orderEngines } from "../engines/registry.ts";
import type { PeerRouteResult } from "../engines/peer-route.ts";
import { type RouteOptions, routeWrite } from "../engines/route.ts";
import { checkVcpu } from "../errors.ts";
import { isPresetSpec, presetTopology } from "../topology/presets.ts";
import type { Topology } from "../topology/topology.ts";
import { REGISTER_CHOICES } from "./decode.ts";
import { peerInputsFromFlags } from "./route-peers.ts";
import { action, printJson } from "./contract.ts";
import { parseNonNegativeInt, parsePageSize } from "./util.ts";
import { engineFileOption, useEngineFiles } from "./engine-option.ts";

/** What `vsgi route --json` prints. */
export interface RouteOutput {
  readonly topology: string;
  readonly sender: number;
  readonly write: Record<string, string | number>;
  readonly targets: number[];
  readonly warnings: string[];
  readonly engines: Record<string, PeerRouteResult>;
}

/** Routes one write; the function behind `vsgi route`. */
export function route(topology: Topology, sender: number, hex: string, reg: string, strict: boolean, options: RouteOptions = {}): RouteOutput {
  checkVcpu(sender, topology.count, "--sender");
  const r = routeWrite(topology, sender, hex, reg, strict, options);
  const write = r.fields.register === "gicd-sgir" ? { register: "gicd-sgir", ...r.fields.write } : sgiWriteToJson(r.fields.write);
  return { topology: topology.name, sender, write, targets: r.targets, warnings: r.warnings, engines: Object.fromEntries(r.engines) };
}


function formatTargets(t: readonly number[]): string {
  return t.length === 0 ? "(none)" : t.length > 24 ? `${t.slice(0, 24).join(", ")}, … (${String(t.length)} in all)` : t.join(", ");
}

export function registerRoute(program: Command): void {
  engineFileOption(program.command("route"))
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
      action(async (hex: string, opts: { topology: string; sender: string; reg: string; lenient?: boolean; json?: boolean; group0?: string; offline?: string; pageSize?: string; engine?: string[] }) => {
        await useEngineFiles(opts);
        // A preset needs no JSON parser: load the file reader (and its validator) only for a file.
        const topology = isPresetSpec(opts.topology) ? presetTopology(opts.topology) : (await import("../topology/index.ts")).loadTopology(opts.topology);
        const inputs = peerInputsFromFlags(topology, opts.group0, opts.offline);
        const out = route(topology, parseNonNegativeInt(opts.sender, "--sender"), hex, opts.reg, opts.lenient !== true, {
          inputs,
          ...(opts.pageSize !== undefined ? { pageSize: parsePageSize(opts.pageSize) } : {}),
        });
        if (opts.json === true) {
          const { targets, warnings, engines, ...rest } = out;
          printJson("route", { targets, warnings, engines, ...rest });
          return;
        }
        const lines = [`${hex} from vCPU ${String(out.sender)} on ${out.topology}: targets ${formatTargets(out.targets)}`];
        for (const w of out.warnings) lines.push(`warning: ${w}`);
        for (const name of orderEngines(Object.keys(out.engines))) {
          const r = out.engines[name];
          if (r === undefined) continue;
          const peer = r.peer !== undefined ? ` [${r.peer}]` : "";
          if ("unsupported" in r) {
            lines.push(r.pending !== undefined ? `  ${name.padEnd(16)}${peer} pending ${formatTargets(r.pending)}` : `  ${name.padEnd(16)}${peer} unsupported: ${r.unsupported}`);
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
