/** `vsgi init-engine <name> --lang ts|c`: writes a correct, commented linear-scan engine to start from. */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ENGINE_NAMES } from "../engines/registry.ts";
import { UsageError } from "../errors.ts";
import { engineTemplate, TEMPLATE_LANGUAGES, type TemplateLanguage } from "../check/templates.ts";
import { action } from "./contract.ts";

/** Writes the template; returns its path. Refuses to overwrite a file. */
export function initEngine(name: string, lang: string, dir: string): string {
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(name)) throw new UsageError(`engine name "${name}": use lower-case letters, digits, - and _ (starting with a letter)`, name);
  if ((ENGINE_NAMES as readonly string[]).includes(name)) throw new UsageError(`"${name}" is a built-in engine's name; pick another`, name);
  if (!(TEMPLATE_LANGUAGES as readonly string[]).includes(lang)) throw new UsageError(`--lang ${lang}: expected ${TEMPLATE_LANGUAGES.join(" or ")}`, lang);
  const path = join(dir, `${name}.${lang}`);
  if (existsSync(path)) throw new UsageError(`${path} already exists; not overwriting it`, path);
  writeFileSync(path, engineTemplate(name, lang as TemplateLanguage), { flag: "wx" });
  return path;
}

export function registerInitEngine(program: Command): void {
  program
    .command("init-engine")
    .description("write a commented starting point for your own dispatch engine (a correct linear scan that vsgi check passes)")
    .argument("<name>", "engine name; the file is <name>.ts or <name>.c")
    .option("--lang <lang>", "ts or c", "ts")
    .option("--dir <dir>", "folder to write into", ".")
    .action(
      action((name: string, opts: { lang: string; dir: string }) => {
        const path = initEngine(name, opts.lang, opts.dir);
        process.stdout.write(`wrote ${path}\nnext: vsgi check ${path}   then: vsgi bench --quick --engine ${path}\n`);
      }),
    );
}
