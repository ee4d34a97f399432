/**
 * The pieces of `vsgi capture` that run without QEMU: the newc cpio writer, the ELF dependency
 * reader, the QEMU command line, the apt output parser, path resolution in an unpacked tree.
 * (A real capture boots a guest for tens of seconds; `npm run test:capture` does that.)
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { buildInitramfs, buildNewcCpio } from "../../src/trace/capture/cpio.ts";
import { parseAptDepends, resolveInRoot } from "../../src/trace/capture/debian.ts";
import { elfDeps } from "../../src/trace/capture/elf.ts";
import { guestCommandLine, qemuCaptureArgs } from "../../src/trace/capture/qemu-command.ts";
import { consolePathFor, INIT_SCRIPT, initramfsEntries } from "../../src/trace/capture/run.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());

/** An independent newc reader, from the format description: 110-byte header, name, data, 4-byte padding. */
function readNewc(buf: Buffer): { name: string; mode: number; data: Buffer }[] {
  const out: { name: string; mode: number; data: Buffer }[] = [];
  let off = 0;
  for (;;) {
    assert.equal(off % 4, 0, "members start on 4-byte boundaries");
    assert.equal(buf.toString("ascii", off, off + 6), "070701");
    const field = (i: number): number => Number.parseInt(buf.toString("ascii", off + 6 + i * 8, off + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const namesize = field(11);
    const name = buf.toString("utf8", off + 110, off + 110 + namesize - 1);
    assert.equal(buf[off + 110 + namesize - 1], 0, "names are NUL-terminated");
    const dataStart = Math.ceil((off + 110 + namesize) / 4) * 4;
    if (name === "TRAILER!!!") return out;
    out.push({ name, mode, data: buf.subarray(dataStart, dataStart + size) });
    off = Math.ceil((dataStart + size) / 4) * 4;
  }
}

/** A minimal ELF-64 LE image with PT_LOAD, PT_INTERP, PT_DYNAMIC and two DT_NEEDED, built by hand. */
function tinyElf(): Buffer {
  const b = Buffer.alloc(0x400);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // ELFCLASS64
  b[5] = 1; // little-endian
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(56, 54); // e_phentsize
  b.writeUInt16LE(3, 56); // e_phnum
  const ph = (i: number, type: number, off: number, vaddr: number, size: number): void => {
    const p = 64 + i * 56;
    b.writeUInt32LE(type, p);
    b.writeBigUInt64LE(BigInt(off), p + 8);
    b.writeBigUInt64LE(BigInt(vaddr), p + 16);
    b.writeBigUInt64LE(BigInt(size), p + 32);
  };
  // Segment maps file offset 0 at vaddr 0x10000; strings at file 0x300 (vaddr 0x10300).
  ph(0, 1, 0, 0x10000, 0x400);
  ph(1, 3, 0x200, 0x10200, 27);
  ph(2, 2, 0x280, 0x10280, 64);
  b.write("/lib/ld-linux-aarch64.so.1\0", 0x200);
  b.write("\0libc.so.6\0libm.so.6\0", 0x300);
  const dyn = (i: number, tag: number, val: number): void => {
    b.writeBigInt64LE(BigInt(tag), 0x280 + i * 16);
    b.writeBigUInt64LE(BigInt(val), 0x288 + i * 16);
  };
  dyn(0, 1, 1); // DT_NEEDED "libc.so.6"
  dyn(1, 1, 11); // DT_NEEDED "libm.so.6"
  dyn(2, 5, 0x10300); // DT_STRTAB
  dyn(3, 0, 0);
  return b;
}

describe("capture pieces", () => {
  it("writes a newc cpio that an independent reader lists back", () => {
    const cpio = buildNewcCpio([
      { path: "bin", type: "dir", mode: 0o755 },
      { path: "bin/busybox", type: "file", mode: 0o755, data: Buffer.from("ELF?") },
      { path: "bin/sh", type: "symlink", target: "busybox" },
      { path: "/init", type: "file", mode: 0o755, data: Buffer.from("#!/bin/sh\n") },
    ]);
    assert.deepEqual(
      readNewc(cpio).map((m) => ({ name: m.name, mode: m.mode.toString(8), data: m.data.toString() })),
      [
        { name: "bin", mode: "40755", data: "" },
        { name: "bin/busybox", mode: "100755", data: "ELF?" },
        { name: "bin/sh", mode: "120777", data: "busybox" },
        { name: "init", mode: "100755", data: "#!/bin/sh\n" },
      ],
    );
    assert.equal(cpio.length % 4, 0);
    assert.deepEqual(gunzipSync(buildInitramfs([{ path: "x", type: "dir", mode: 0o700 }])), buildNewcCpio([{ path: "x", type: "dir", mode: 0o700 }]));
  });

  it("puts /init, /bin/sh and the mount points in the initramfs", () => {
    const e = initramfsEntries([{ path: "bin", type: "dir", mode: 0o755 }], Buffer.from("x"));
    const names = e.map((x) => x.path);
    for (const n of ["dev", "proc", "sys", "tmp", "bin/sh", "init"]) assert.ok(names.includes(n), n);
    assert.equal(names.filter((n) => n === "bin").length, 1);
    assert.ok(names.indexOf("bin") < names.indexOf("bin/sh"));
  });

  it("ships a guest /init that powers off at the end", () => {
    const init = readFileSync(INIT_SCRIPT, "utf8");
    assert.ok(init.startsWith("#!/bin/sh\n"));
    assert.match(init, /@@M poweroff POINT/);
    assert.match(init, /poweroff -f\n$/);
  });

  it("reads PT_INTERP and DT_NEEDED from an ELF image", () => {
    assert.deepEqual(elfDeps(tinyElf()), { interp: "/lib/ld-linux-aarch64.so.1", needed: ["libc.so.6", "libm.so.6"] });
    assert.equal(elfDeps(Buffer.from("#!/bin/sh\n")), undefined);
  });

  it("assembles the QEMU command line of a capture", () => {
    const args = qemuCaptureArgs({ vcpus: 8, memoryMiB: 1024, kernel: "/k", initrd: "/i", workloads: ["idle", "hackbench"], seconds: 3, ipiRaise: true, logFile: "/l", consoleFile: "/c" });
    const pairs = new Map<string, string[]>();
    for (let i = 0; i < args.length; i++) {
      if (args[i]!.startsWith("-") && args[i] !== "-no-reboot") pairs.set(args[i]!, [...(pairs.get(args[i]!) ?? []), args[++i]!]);
    }
    assert.deepEqual(pairs.get("-M"), ["virt,gic-version=3"]);
    assert.deepEqual(pairs.get("-accel"), ["tcg,thread=multi"]);
    assert.deepEqual(pairs.get("-smp"), ["8"]);
    assert.deepEqual(pairs.get("-msg"), ["timestamp=on"]);
    assert.deepEqual(pairs.get("-D"), ["/l"]);
    assert.deepEqual(pairs.get("-serial"), ["file:/c"]);
    assert.deepEqual(pairs.get("-trace"), ["gicv3_icc_generate_sgi", "gicv3_redist_send_sgi", "pl011_write"]);
    assert.deepEqual(pairs.get("-append"), ["console=ttyAMA0 quiet loglevel=3 panic=-1 wl=idle,hackbench t=3 ipi=1"]);
    assert.ok(args.includes("-no-reboot"));
    assert.equal(guestCommandLine({ workloads: ["membarrier"], seconds: 1, ipiRaise: false }), "console=ttyAMA0 quiet loglevel=3 panic=-1 wl=membarrier t=1 ipi=0");
  });

  it("parses apt-cache depends output, first alternative only, skipping virtual packages", () => {
    const text = ["stress-ng:arm64", "  Depends: libapparmor1:arm64", " |Depends: libc6:arm64", "  Depends: libc6.1:arm64", "  Depends: <libfoo-virtual:arm64>", "    libfoo1:arm64", "  PreDepends: zlib1g:arm64", ""].join("\n");
    assert.deepEqual(parseAptDepends(text), ["libapparmor1", "libc6", "zlib1g"]);
  });

  it("resolves paths through absolute and relative symlinks inside an unpacked tree", () => {
    const root = join(tmp.dir, "root");
    mkdirSync(join(root, "usr/lib/aarch64-linux-gnu"), { recursive: true });
    writeFileSync(join(root, "usr/lib/aarch64-linux-gnu/libc.so.6"), "c");
    symlinkSync("usr/lib", join(root, "lib"));
    mkdirSync(join(root, "lib64-dir"));
    symlinkSync("/lib/aarch64-linux-gnu/libc.so.6", join(root, "lib64-dir/ld.so"));
    assert.equal(resolveInRoot(root, "/lib/aarch64-linux-gnu/libc.so.6"), join(root, "usr/lib/aarch64-linux-gnu/libc.so.6"));
    assert.equal(resolveInRoot(root, "lib64-dir/ld.so"), join(root, "usr/lib/aarch64-linux-gnu/libc.so.6"));
    assert.equal(resolveInRoot(root, "/nope"), undefined);
  });

  it("keeps the console beside the trace", () => {
    assert.equal(consolePathFor("/x/qemu-virt-8vcpu.log.gz"), "/x/qemu-virt-8vcpu.console");
    assert.equal(consolePathFor("t.gz"), "t.console");
  });
});
