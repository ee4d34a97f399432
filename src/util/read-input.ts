/**
 * Reading a user-named input file without trusting it (Node only). `stat` sizes are not a bound:
 * `/dev/zero` reports 0 bytes and never ends, a FIFO blocks `open` until a writer comes, `/proc`
 * files report 0 and have content. So a file is opened without blocking, refused unless it is a
 * regular file, and read in slices until the limit: the bound is the bytes actually read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/** What a path is, when it is not a regular file ("a directory", "a FIFO", ...); undefined for a file. */
export function notRegularFile(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Why an input was refused. */
export type InputProblem = "open" | "kind" | "read" | "size" | "utf8";

/** Open flags for an input: read-only, and never block on a FIFO or a device while opening. */
export const INPUT_OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * The text of the regular file at `path`, read as UTF-8, at most `maxBytes` bytes.
 * @param fail builds the error to throw (e.g. a `TopologyError`) from a one-line message that
 *   starts with the path.
 * @throws whatever `fail` returns: unreadable path, not a regular file, over `maxBytes` bytes
 *   (counted while reading), or not valid UTF-8.
 * @example readInputFile("topo.json", 1 << 20, (m) => new TopologyError(m))
 */
export function readInputFile(path: string, maxBytes: number, fail: (message: string, reason: InputProblem) => Error): string {
  const bytes = readInputBytes(path, maxBytes, fail);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw fail(`${path}: is not UTF-8 text`, "utf8");
  }
}

/** The bytes of the regular file at `path`, at most `maxBytes` (see {@link readInputFile}). */
export function readInputBytes(path: string, maxBytes: number, fail: (message: string, reason: InputProblem) => Error): Buffer {
  let fd: number;
  try {
    fd = openSync(path, INPUT_OPEN_FLAGS);
  } catch (e) {
    throw fail(`${path}: cannot open: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "open");
  }
  try {
    const kind = notRegularFile(fstatSync(fd));
    if (kind !== undefined) throw fail(`${path}: is ${kind}, not a regular file`, "kind");
    // One byte over the limit is enough to know the file is too large.
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, 1 << 16));
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw fail(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, "read");
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw fail(`${path}: file is over the ${String(maxBytes)}-byte limit`, "size");
      parts.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(parts, total);
  } finally {
    closeSync(fd);
  }
}
