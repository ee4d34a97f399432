/** The `vsgi` command line. Each command lives in its own file and registers itself here. */
import { Command } from "commander";
import { registerBench } from "./bench.ts";
import { registerDecode } from "./decode.ts";
import { registerRoute } from "./route.ts";
import { registerStress } from "./stress.ts";
import { registerLab } from "./lab.ts";
import { registerReplay } from "./replay.ts";
import { registerExport } from "./export.ts";
import { registerCapture } from "./capture.ts";
import { registerModel } from "./model.ts";
import { registerCheck } from "./check.ts";
import { registerInitEngine } from "./init-engine.ts";

/** Builds the program (exported for tests that want to parse without spawning). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("vsgi")
    .description("virtual GIC SGI dispatch: codecs, engines, benchmarks and real-trace replay")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });
  registerDecode(program);
  registerRoute(program);
  registerStress(program);
  registerBench(program);
  registerLab(program);
  registerReplay(program);
  registerExport(program);
  registerCapture(program);
  registerModel(program);
  registerCheck(program);
  registerInitEngine(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
