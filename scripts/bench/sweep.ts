/**
 * The full sweep: every engine and built-in workload on kvm:<n> and sparse:<n> for n in
 * 4,16,64,256,512,4096, the native anchor and memory, written as JSON and as the text table.
 * Takes minutes. `node --import tsx scripts/bench/sweep.ts [out-dir]` (default report/bench/).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatReport } from "../../src/bench/format.ts";
import { runBench } from "../../src/bench/run.ts";

const out = process.argv[2] ?? join("report", "bench");
mkdirSync(out, { recursive: true });
const report = await runBench({}, (done, total, label) => process.stderr.write(`\r[${String(done)}/${String(total)}] ${label.padEnd(50)}`));
process.stderr.write("\n");
writeFileSync(join(out, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(out, "bench.txt"), formatReport(report));
process.stdout.write(formatReport(report));
process.stderr.write(`wrote ${join(out, "bench.json")} and bench.txt\n`);
