/**
 * `npm run fuzz [-- --runs 1000000] [--seed n] [--target substring]`: every fuzz target, 10^6
 * cases each by default, printing the counts; exits 1 on a finding.
 */
import { parseArgs } from "node:util";
import { fuzz, TARGETS } from "./targets.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "1000000" }, seed: { type: "string", default: "20261126" }, target: { type: "string" } } });
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write("error: --runs and --seed must be integers\n");
  process.exit(1);
}
let failed = false;
let total = 0;
for (const target of TARGETS) {
  if (values.target !== undefined && !target.name.includes(values.target)) continue;
  const o = await fuzz(target, runs, seed);
  total += o.runs;
  failed ||= o.failed;
  process.stdout.write(`${o.failed ? "FAIL" : "ok  "} ${o.name.padEnd(46)} ${String(o.runs).padStart(9)} cases  ${String(o.rejected).padStart(9)} typed rejections  ${o.seconds.toFixed(1).padStart(7)} s\n`);
  if (o.failed) process.stdout.write(`${o.message}\n`);
}
process.stdout.write(`${failed ? "FAILED" : "ok"}: ${String(total)} cases in all, seed ${String(seed)}\n`);
if (failed) process.exitCode = 1;
