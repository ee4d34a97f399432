/**
 * Writing an output file without ever damaging one (Node only). The rule for every vsgi writer:
 *
 * 1. refuse an output that is one of the inputs (same device and inode, through any path or link);
 * 2. check the destination before doing the work (its folder exists, it is not a folder, FIFO or
 *    device), so a long run does not fail at its very end;
 * 3. write to a temporary file in the destination's folder, then rename it into place (atomic on
 *    one file system: readers see the old file or the new one, never half of one);
 * 4. on any failure remove the temporary file: the destination stays exactly as it was.
 *
 * A symbolic link given as the destination is replaced by the new file, never written through.
 * @example await writeAtomically("out.jsonl", ["in.log"], async (w) => { w.write("…"); });
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, lstatSync, type Stats, statSync } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { ErrorCode, VsgiError } from "../errors.ts";

/** An output that may not be written (it is an input, a folder, a device; its folder is missing). */
export class OutputError extends VsgiError {
  constructor(message: string, path: string) {
    super(ErrorCode.Usage, message, path, path);
  }
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw new OutputError(`${path}: ${(e as Error).message}`, path);
  }
}

/**
 * Checks that `out` may be written: rules 1 and 2 above. Inputs that do not exist are ignored
 * (reading them fails on its own).
 * @throws OutputError naming the problem.
 */
export function checkOutputPath(out: string, inputs: readonly string[] = []): void {
  const path = resolve(out);
  const dir = statOrUndefined(dirname(path), true);
  if (dir === undefined || !dir.isDirectory()) throw new OutputError(`cannot write ${out}: its folder ${dirname(path)} does not exist`, out);
  const target = statOrUndefined(path, true);
  if (target !== undefined) {
    if (target.isDirectory()) throw new OutputError(`cannot write ${out}: it is a folder`, out);
    if (!target.isFile()) throw new OutputError(`cannot write ${out}: it is not a regular file (a FIFO, socket or device)`, out);
    for (const input of inputs) {
      const s = statOrUndefined(input, true);
      if (s !== undefined && s.dev === target.dev && s.ino === target.ino) {
        throw new OutputError(`refusing to write ${out}: it is the input ${input} (writing would destroy it)`, out);
      }
    }
  }
}

/** The temporary file next to `out` that {@link writeAtomically} writes first. */
export function temporaryPathFor(out: string): string {
  const path = resolve(out);
  return join(dirname(path), `.${basename(path)}.${String(process.pid)}-${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Checks `out` (see {@link checkOutputPath}), lets `produce` write the content to a temporary file
 * beside it, and renames that file onto `out` once `produce` has finished and the data is
 * flushed. If anything fails, the temporary file is removed, `out` is untouched, and the error is
 * rethrown.
 */
export async function writeAtomically(out: string, inputs: readonly string[], produce: (sink: Writable) => Promise<void>): Promise<void> {
  checkOutputPath(out, inputs);
  const temp = temporaryPathFor(out);
  // `wx`: the temporary name must be new (never follow a link planted there).
  const file = createWriteStream(temp, { flags: "wx", mode: 0o666 });
  let failure: Error | undefined;
  file.on("error", (e) => {
    failure ??= e;
  });
  try {
    await once(file, "open");
    await produce(file);
    if (failure !== undefined) throw failure;
    file.end();
    await once(file, "close");
    if (failure !== undefined) throw failure;
    await rename(temp, resolve(out));
  } catch (e) {
    file.destroy();
    await unlink(temp).catch(() => {});
    if (e instanceof VsgiError) throw e;
    throw new OutputError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`, out);
  }
}

/** {@link writeAtomically} of a string or bytes already in memory. */
export async function writeFileAtomically(out: string, data: string | Uint8Array, inputs: readonly string[] = []): Promise<void> {
  await writeAtomically(out, inputs, async (sink) => {
    if (!sink.write(data)) await once(sink, "drain");
  });
}
