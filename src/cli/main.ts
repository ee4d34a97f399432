/**
 * The `vsgi` command line. Only the command that runs is loaded (see `commands.ts`); the
 * contract (exit statuses, errors, JSON) lives in `contract.ts`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands.ts";
import { ExitCode, reportError, writeError } from "./contract.ts";

/** `vsgi … | head` closes the pipe early: stop quietly, as a Unix filter does. */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(ExitCode.Ok);
    throw e;
  });
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return String(pkg.version);
}

/** The command `argv` runs, or undefined for `vsgi`, `vsgi --help` and unknown commands. */
function invoked(argv: readonly string[]): string | undefined {
  const first = argv[2];
  const name = first === "help" ? argv[3] : first;
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

/**
 * Builds the program for `argv`: the invoked command fully, every other one as a name and a
 * summary (enough for `vsgi --help` and for "did you mean" suggestions).
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command()
    .name("vsgi")
    .description("virtual GIC SGI dispatch: codecs, engines, benchmarks and real-trace replay")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  const run = invoked(argv);
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === run) (await entry.load())(program);
    else program.command(name).description(entry.summary);
  }
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  quietOnBrokenPipe(process.stdout);
  quietOnBrokenPipe(process.stderr);
  try {
    await (await buildProgram(argv)).parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with status 0; bare `vsgi` printed its help on stderr.
      if (e.exitCode === 0) return;
      if (e.code === "commander.help") {
        process.exitCode = ExitCode.Usage;
        return;
      }
      const command = invoked(argv);
      writeError("usage", `${e.message.replace(/^error: /, "")} (see vsgi ${command ?? ""}${command === undefined ? "" : " "}--help)`);
      process.exitCode = ExitCode.Usage;
      return;
    }
    process.exitCode = reportError(e);
  }
}

await main(process.argv);
