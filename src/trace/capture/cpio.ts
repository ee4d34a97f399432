/**
 * A gzip'd "newc" cpio archive, the format Linux unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII
 * header "070701" + 13 eight-digit hex fields, the NUL-terminated name padded to 4 bytes, the
 * data padded to 4 bytes; the archive ends with an entry named "TRAILER!!!".
 */
import { gzipSync } from "node:zlib";

/** File type bits of `st_mode`. */
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

/** One archive member. Paths are relative (`bin/busybox`), without a leading slash. */
export type CpioEntry =
  | { readonly path: string; readonly type: "file"; readonly mode: number; readonly data: Buffer }
  | { readonly path: string; readonly type: "dir"; readonly mode: number }
  | { readonly path: string; readonly type: "symlink"; readonly target: string };

const MAGIC = "070701";

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function member(path: string, mode: number, ino: number, data: Buffer): Buffer {
  const name = Buffer.from(`${path}\0`, "utf8");
  // Fields: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check.
  const fields = [ino, mode, 0, 0, (mode & 0o170000) === S_IFDIR ? 2 : 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
  const header = Buffer.from(MAGIC + fields.map(hex8).join(""), "ascii");
  return Buffer.concat([header, name, Buffer.alloc(pad4(header.length + name.length)), data, Buffer.alloc(pad4(data.length))]);
}

/**
 * The uncompressed newc archive of `entries` (in the given order; a directory must come before
 * its contents), with mtime 0 and owner root so the same tree gives the same bytes.
 */
export function buildNewcCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, "");
    if (e.type === "file") parts.push(member(path, S_IFREG | (e.mode & 0o7777), ino++, e.data));
    else if (e.type === "dir") parts.push(member(path, S_IFDIR | (e.mode & 0o7777), ino++, Buffer.alloc(0)));
    else parts.push(member(path, S_IFLNK | 0o777, ino++, Buffer.from(e.target, "utf8")));
  }
  parts.push(member("TRAILER!!!", 0, 0, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** The gzip'd newc archive: what QEMU's `-initrd` hands the kernel. */
export function buildInitramfs(entries: readonly CpioEntry[]): Buffer {
  return gzipSync(buildNewcCpio(entries), { level: 6 });
}
