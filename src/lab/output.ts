/**
 * Where `vsgi lab` writes its report, checked before the sweep runs (a run takes minutes; it must
 * not fail at its very end) and written without ever leaving a half-written file:
 *
 * - `--out` must be a folder or not exist yet (its nearest existing parent a writable folder);
 *   an existing regular file is refused, and so is a symbolic link (the lab never writes through
 *   a link it was given);
 * - an existing `index.html` / `results.json` inside it must be a regular file, and not one of
 *   the lab's inputs (the traces it replays);
 * - each file is written by src/trace/safe-output.ts, the one writer of vsgi: a temporary file in
 *   the same folder renamed into place; on failure the temporary file is removed and the old file
 *   is left as it was.
 */
import { accessSync, constants, lstatSync, mkdirSync, type Stats, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { checkOutputPath, writeFileAtomically } from "../trace/safe-output.ts";

/** The files the lab writes into its output folder. */
export const LAB_FILES = ["results.json", "index.html"] as const;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new UsageError(`--out ${path}: ${code ?? String(e)}`, path);
  }
}

function checkWritableFolder(dir: string, out: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${out}: the folder ${dir} is not writable`, out);
  }
}

/**
 * Checks the output folder and the files the lab will write there, before any work.
 * @param inputs files the run reads (traces): none may be overwritten.
 * @throws UsageError naming the problem.
 */
export function checkLabOut(out: string, inputs: readonly string[]): void {
  const st = lstatOrUndefined(out);
  if (st === undefined) {
    // Created at the end, parents included: the nearest existing ancestor must be a writable folder.
    let dir = dirname(resolve(out));
    while (lstatOrUndefined(dir) === undefined && dirname(dir) !== dir) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${out}: ${dir} is not a folder`, out);
    checkWritableFolder(dir, out);
    return;
  }
  if (st.isSymbolicLink()) throw new UsageError(`--out ${out} is a symbolic link: give the folder itself (the lab does not write through a link)`, out);
  if (!st.isDirectory()) throw new UsageError(`--out ${out} is ${st.isFile() ? "a file" : "not a folder"}: the lab writes index.html and results.json into a folder`, out);
  checkWritableFolder(out, out);
  for (const name of LAB_FILES) {
    const path = join(out, name);
    // A link there is replaced by the new file, never written through; anything else is checked
    // by the writer's own rule (regular file, not one of the inputs).
    if (lstatOrUndefined(path)?.isSymbolicLink() !== true) checkOutputPath(path, inputs);
  }
}

/**
 * Creates the output folder and writes the report files into it, each through the one writer
 * rule of src/trace/safe-output.ts (temporary file in the folder, rename, cleanup on failure).
 * Checked again first: the sweep took minutes.
 */
export async function writeLabFiles(out: string, files: Readonly<Record<(typeof LAB_FILES)[number], string>>, inputs: readonly string[]): Promise<void> {
  checkLabOut(out, inputs);
  mkdirSync(out, { recursive: true });
  for (const name of LAB_FILES) await writeFileAtomically(join(out, name), files[name], inputs);
}
