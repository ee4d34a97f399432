/** `vsgi export`: any trace → vsgi JSONL (one write per line, with deliveries when recorded). */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { Command } from "commander";
import { UsageError } from "../errors.ts";
import { loadTopology } from "../topology/index.ts";
import type { Topology } from "../topology/topology.ts";
import type { TraceFormat } from "../trace/event.ts";
import { formatJsonlEvent, formatJsonlHeader } from "../trace/jsonl.ts";
import { parseFormatOption, readTrace } from "../trace/read.ts";
import { defaultTopology } from "../trace/replay.ts";
import { action } from "./contract.ts";

/** Options of {@link exportTrace}. */
export interface ExportOptions {
  readonly topology?: Topology;
  readonly format?: TraceFormat | "auto";
  readonly lenient?: boolean;
}

/**
 * Writes trace `input` as JSONL to `out` (gzip when `out` ends in `.gz`; `-` = stdout).
 * @returns the number of writes exported and of malformed lines skipped.
 */
export async function exportTrace(input: string, out: string, options: ExportOptions = {}): Promise<{ writes: number; lenientSkipped: number; topology: string }> {
  const format = options.format ?? "auto";
  const lenient = options.lenient === true;
  const topology = options.topology ?? (await defaultTopology(input, { format, lenient }));
  const reader = readTrace(input, { format, lenient, topology });
  let sink: Writable;
  let file: Writable | undefined;
  let writeError: Error | undefined;
  if (out === "-") {
    sink = process.stdout;
  } else {
    file = createWriteStream(out);
    // An unwritable --out (a directory, no permission) must be a clear error, not an unhandled 'error' event.
    file.on("error", (e) => {
      writeError ??= e;
    });
    try {
      await once(file, "open");
    } catch (e) {
      throw new UsageError(`--out ${out}: cannot write: ${e instanceof Error ? e.message : String(e)}`, out);
    }
    if (out.endsWith(".gz")) {
      const gz = createGzip();
      gz.pipe(file);
      sink = gz;
    } else {
      sink = file;
    }
  }
  const put = async (s: string): Promise<void> => {
    if (!sink.write(s)) await once(sink, "drain");
  };
  await put(`${formatJsonlHeader(topology, input)}\n`);
  let writes = 0;
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
  if (file !== undefined) {
    sink.end();
    await once(file, "close");
    if (writeError !== undefined) throw new UsageError(`--out ${out}: write failed: ${writeError.message}`, out);
  }
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
