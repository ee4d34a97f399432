/**
 * Benchmark entry point without building: `node --import tsx scripts/bench/run.ts [vsgi bench flags]`
 * (e.g. `--quick`, `--json`, `--vcpus 512,4096`). Same flags and output as `vsgi bench`.
 */
import { Command } from "commander";
import { registerBench } from "../../src/cli/bench.ts";

const program = new Command().name("bench").configureOutput({ outputError: (str, write) => write(str) });
registerBench(program);
await program.parseAsync(["node", "bench", "bench", ...process.argv.slice(2)]);
