/**
 * CLI start-up against bare Node, side by side in one run (issue 13's goal: `vsgi decode` and
 * `vsgi route` within 2× of `node -e 0`). Rounds interleave the commands (A B C, A B C, …) so a
 * machine that speeds up or slows down affects each alike; each round's ratio is taken pair by
 * pair, and the medians are printed. Runs the built CLI: `npm run build` first.
 *
 *   node --import tsx scripts/bench/startup.ts [--rounds 21] [--json]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const BIN = fileURLToPath(new URL("../../bin/vsgi.js", import.meta.url));
const GOAL = 2;

const COMMANDS: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "vsgi decode", args: [BIN, "decode", "0x011F8001"] },
  { name: "vsgi route", args: [BIN, "route", "--topology", "kvm:512", "--sender", "3", "0x011F8001"] },
  { name: "vsgi --version", args: [BIN, "--version"] },
];

function wallMs(args: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const { values } = parseArgs({ options: { rounds: { type: "string", default: "21" }, json: { type: "boolean", default: false } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 3) throw new Error("--rounds: at least 3");
if (!existsSync(new URL("../../dist/cli/main.js", import.meta.url))) throw new Error("dist/ is missing: run `npm run build` first");

const times = COMMANDS.map(() => [] as number[]);
for (const c of COMMANDS) wallMs(c.args); // warm the file cache
for (let r = 0; r < rounds; r++) COMMANDS.forEach((c, i) => times[i]!.push(wallMs(c.args)));

const base = times[0]!;
const rows = COMMANDS.map((c, i) => {
  const t = times[i]!;
  const ratios = t.map((x, k) => x / base[k]!);
  return { command: c.name, medianMs: median(t), minMs: Math.min(...t), maxMs: Math.max(...t), ratio: median(ratios) };
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ rounds, goal: GOAL, rows }, null, 2)}\n`);
} else {
  process.stdout.write(`CLI start-up, wall time over ${String(rounds)} interleaved rounds (ratio: median of per-round ratios to node -e 0; goal ≤ ${String(GOAL)}×)\n`);
  for (const r of rows) {
    process.stdout.write(
      `  ${r.command.padEnd(16)} median ${r.medianMs.toFixed(1).padStart(7)} ms  (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)})  ratio ${r.ratio.toFixed(2)}×${withinGoal(r) ? "" : "  over the goal"}\n`,
    );
  }
}

function withinGoal(r: { command: string; ratio: number }): boolean {
  return r.command === "node -e 0" || r.ratio <= GOAL;
}
