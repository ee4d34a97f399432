/**
 * `vsgi replay -` checks a trace while it is being written: fed by a pipe that writes slowly, it
 * reports a mismatch (with its line number) before the rest of the trace exists, and prints the
 * summary at end of stream.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "./support.ts";

const gen = (us: number, dst: number): string => `7@1.${String(us).padStart(6, "0")}:gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x${(1 << dst).toString(16)}`;
const send = (us: number, dst: number): string => `7@1.${String(us).padStart(6, "0")}:gicv3_redist_send_sgi GICv3 redistributor 0x${dst.toString(16)} pending SGI 1`;
const other = (us: number): string => `7@1.${String(us).padStart(6, "0")}:pl011_write addr 0x00000000 value 0x00000041`;

describe("vsgi replay - (standard input)", () => {
  it("reports a mismatch with its line number while the pipe is still open, then the summary at end of stream", { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), "replay", "-", "--topology", "qemu:4", "--engines", "vsgi"], { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const closed = new Promise<number | null>((res) => child.on("close", res));
    // Lines 1-6: two good writes, then (line 5) a write whose recorded delivery is wrong, closed by line 7.
    const first = [gen(1, 1), send(2, 1), gen(3, 2), send(4, 2), gen(5, 3), send(6, 2), other(7)];
    for (const l of first) {
      child.stdin.write(`${l}\n`);
      await sleep(50);
    }
    const deadline = Date.now() + 60_000;
    while (!stdout.includes("mismatch at line 5") && Date.now() < deadline) await sleep(50);
    assert.match(stdout, /^mismatch at line 5 \(oracle\): vCPU 0 wrote 0x1000008; reference \[3\], trace \[2\]$/m);
    assert.doesNotMatch(stdout, /writes,/, "no summary before the end of the stream");
    for (const l of [gen(8, 1), send(9, 1)]) {
      child.stdin.write(`${l}\n`);
      await sleep(50);
    }
    child.stdin.end();
    assert.equal(await closed, 1, stderr);
    assert.match(stdout, /^- \(qemu, qemu:4\): 4 writes, 4 recorded deliveries, 9 lines/m);
    assert.match(stdout, /oracle: 4 writes checked, 1 mismatches \(first at line 5/);
  });

  it("needs --topology (a stream cannot be read twice)", async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/vsgi.js"), "replay", "-"], { cwd: REPO_ROOT });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.end();
    assert.equal(await new Promise((res) => child.on("close", res)), 2);
    assert.match(stderr, /needs --topology/);
  });
});
