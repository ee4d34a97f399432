/** `vsgi export`: any trace → vsgi JSONL (one write per line, with deliveries when recorded). */
import { once } from "node:events";
import { basename } from "node:path";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Command } from "commander";
import { loadTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import type { TraceFormat } from "../trace/event.ts";
import { formatJsonlEvent, formatJsonlHeader } from "../trace/jsonl.ts";
import { parseFormatOption, readTrace } from "../trace/read.ts";
import { defaultTopology } from "../trace/replay.ts";
import { checkOutputPath, writeAtomically } from "../trace/safe-output.ts";
import { action } from "./contract.ts";

/** Options of {@link exportTrace}. */
export interface ExportOptions {
  readonly topology?: Topology;
  readonly format?: TraceFormat | "auto";
  readonly lenient?: boolean;
}

/**
 * Writes trace `input` as JSONL to `out` (gzip when `out` ends in `.gz`; `-` = stdout). A file
 * is written by the rule of src/trace/safe-output.ts: never the input itself, checked first,
 * through a temporary file renamed into place, so a failure leaves `out` as it was.
 * @returns the number of writes exported and of malformed lines skipped.
 */
export async function exportTrace(input: string, out: string, options: ExportOptions = {}): Promise<{ writes: number; lenientSkipped: number; topology: string }> {
  const format = options.format ?? "auto";
  const lenient = options.lenient === true;
  if (out !== "-") checkOutputPath(out, [input]);
  const topology = options.topology ?? (await defaultTopology(input, { format, lenient }));
  const reader = readTrace(input, { format, lenient, topology });
  let writes = 0;
  const produce = async (target: Writable): Promise<void> => {
    let sink = target;
    let gz: Writable | undefined;
    if (out !== "-" && out.endsWith(".gz")) {
      gz = createGzip();
      gz.pipe(target, { end: false });
      sink = gz;
    }
    // A write error (EPIPE when the reader of stdout is gone, ENOSPC) is raised at the next write.
    let writeError: Error | undefined;
    const onError = (e: Error): void => {
      writeError ??= e;
    };
    sink.on("error", onError);
    target.on("error", onError);
    const put = async (text: string): Promise<void> => {
      if (writeError !== undefined) throw writeError;
      if (!sink.write(text)) await once(sink, "drain");
      if (writeError !== undefined) throw writeError;
    };
    // The header names the input's file name only: a shared trace must not leak a directory layout.
    await put(`${formatJsonlHeader(topology, basename(input))}\n`);
    let buf = "";
    for await (const e of reader) {
      buf += `${formatJsonlEvent(e)}\n`;
      writes++;
      if (buf.length > 1 << 16) {
        await put(buf);
        buf = "";
      }
    }
    await put(buf);
    if (gz !== undefined) {
      gz.end();
      await once(gz, "end");
    }
    if (writeError !== undefined) throw writeError;
  };
  if (out === "-") await produce(process.stdout);
  else await writeAtomically(out, [input], produce);
  return { writes, lenientSkipped: reader.lenientSkipped, topology: topology.name };
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("convert a trace (QEMU log, ftrace ipi_raise, JSONL; gzip ok) to vsgi JSONL")
    .argument("<trace>", "input trace")
    .requiredOption("--out <file>", "output JSONL file (.gz to compress; - for stdout)")
    .option("--topology <spec>", "kvm:<n>, qemu:<n>, sparse:<n> or a JSON file (default: qemu:<vCPUs seen>)")
    .option("--format <format>", "input format: auto, qemu, ftrace or jsonl", "auto")
    .option("--lenient", "skip and count malformed lines instead of failing")
    .action(
      action(async (input: string, opts: { out: string; topology?: string; format: string; lenient?: boolean }) => {
        const r = await exportTrace(input, opts.out, {
          format: parseFormatOption(opts.format),
          lenient: opts.lenient === true,
          ...(opts.topology !== undefined ? { topology: loadTopology(opts.topology) } : {}),
        });
        if (opts.out !== "-") {
          process.stderr.write(`${String(r.writes)} writes (${r.topology}) → ${opts.out}${r.lenientSkipped > 0 ? `; ${String(r.lenientSkipped)} malformed lines skipped` : ""}\n`);
        }
      }),
    );
}
