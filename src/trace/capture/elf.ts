/**
 * Just enough ELF to find what a dynamic executable loads: its program interpreter (PT_INTERP)
 * and DT_NEEDED entries (ELF-64 little-endian, System V gABI "Program Header", "Dynamic Section").
 */

const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_LOAD = 1;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;

/** What an ELF file asks the dynamic loader for; `undefined` when the file is not ELF-64 LE. */
export interface ElfDeps {
  readonly interp: string | undefined;
  readonly needed: readonly string[];
}

function cstring(buf: Buffer, off: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString("utf8", off, end < 0 ? buf.length : end);
}

/** Reads PT_INTERP and DT_NEEDED of an ELF-64 little-endian file. */
export function elfDeps(buf: Buffer): ElfDeps | undefined {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return undefined;
  const phoff = Number(buf.readBigUInt64LE(32));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  let interp: string | undefined;
  let dyn: { off: number; size: number } | undefined;
  const loads: { vaddr: number; off: number; filesz: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (p + 56 > buf.length) break;
    const type = buf.readUInt32LE(p);
    const off = Number(buf.readBigUInt64LE(p + 8));
    const vaddr = Number(buf.readBigUInt64LE(p + 16));
    const filesz = Number(buf.readBigUInt64LE(p + 32));
    if (type === PT_INTERP) interp = cstring(buf, off);
    else if (type === PT_DYNAMIC) dyn = { off, size: filesz };
    else if (type === PT_LOAD) loads.push({ vaddr, off, filesz });
  }
  if (dyn === undefined) return { interp, needed: [] };
  const neededOffsets: number[] = [];
  let strtabVaddr = -1;
  for (let p = dyn.off; p + 16 <= dyn.off + dyn.size && p + 16 <= buf.length; p += 16) {
    const tag = Number(buf.readBigInt64LE(p));
    const val = Number(buf.readBigUInt64LE(p + 8));
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) neededOffsets.push(val);
    else if (tag === DT_STRTAB) strtabVaddr = val;
  }
  // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD segments.
  const seg = loads.find((l) => strtabVaddr >= l.vaddr && strtabVaddr < l.vaddr + l.filesz);
  if (seg === undefined) return { interp, needed: [] };
  const strtab = strtabVaddr - seg.vaddr + seg.off;
  return { interp, needed: neededOffsets.map((o) => cstring(buf, strtab + o)) };
}
