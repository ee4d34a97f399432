/** `vsgi decode <hex>`: the fields of an SGI register value. */
import type { Command } from "commander";
import { decodeGicdSgir } from "../arch/gicd-sgir.ts";
import { decodeSgiRegister, parseSgiRegisterName, SGI_REGISTER_ARCH_NAMES, sgiWriteToJson } from "../arch/sgi-register.ts";
import { formatHex } from "../arch/value.ts";
import { action, printJson } from "./contract.ts";

/** Register kinds the CLI accepts. */
export const REGISTER_CHOICES = "sgi1r|sgi0r|asgi1r|gicd-sgir";

/** Decodes `hex` as register `reg` and returns the JSON object `decode --json` prints. */
export function decodeForCli(hex: string, reg: string, strict: boolean): Record<string, string | number> {
  if (reg.toLowerCase() === "gicd-sgir") {
    const w = decodeGicdSgir(hex, { strict });
    return { register: "gicd-sgir", sgiIntid: w.sgiIntid, nsatt: w.nsatt, cpuTargetList: w.cpuTargetList, targetListFilter: w.targetListFilter };
  }
  return sgiWriteToJson(decodeSgiRegister(hex, parseSgiRegisterName(reg), { strict }));
}

export function registerDecode(program: Command): void {
  program
    .command("decode")
    .description("decode an ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 (64-bit) or GICD_SGIR (32-bit) value")
    .argument("<hex>", "register value in hex, e.g. 0x011F8001")
    .option("--reg <register>", `register kind: ${REGISTER_CHOICES}`, "sgi1r")
    .option("--lenient", "ignore RES0 bits as hardware does instead of rejecting them")
    .option("--json", "print one JSON object")
    .action(
      action((hex: string, opts: { reg: string; lenient?: boolean; json?: boolean }) => {
        const fields = decodeForCli(hex, opts.reg, opts.lenient !== true);
        if (opts.json === true) {
          printJson("decode", fields);
          return;
        }
        const name = fields.register === "gicd-sgir" ? "GICD_SGIR" : SGI_REGISTER_ARCH_NAMES[parseSgiRegisterName(String(fields.register))];
        const lines = [`${name} ${hex}`];
        for (const [k, v] of Object.entries(fields)) {
          if (k === "register") continue;
          lines.push(`  ${k.padEnd(17)} ${String(v).padStart(5)}  ${typeof v === "number" ? formatHex(v) : ""}`);
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
