/**
 * Layout presets: what KVM and QEMU give a VM by default, and a sparse host-mirroring layout
 * of the kind userspace sets when it copies host MPIDRs.
 */
import { describeValue, TopologyError } from "../errors.ts";
import { MAX_VCPUS, Topology } from "./topology.ts";

/** QEMU's virt board accepts at most 512 vCPUs with GICv3. */
export const QEMU_VIRT_MAX_VCPUS = 512;

/**
 * KVM's default MPIDR (reset_mpidr in arch/arm64/kvm/sys_regs.c): Aff0 = id[3:0],
 * Aff1 = id[11:4], Aff2 = id[19:12], Aff3 = 0 — clusters of 16.
 */
export function kvmDefaultAffinity(id: number): number {
  return ((((id >>> 12) & 0xff) << 16) | (((id >>> 4) & 0xff) << 8) | (id & 0xf)) >>> 0;
}

/** QEMU virt with GICv3 (virt_cpu_mp_affinity): Aff1 = id / 16, Aff0 = id % 16. */
export function qemuVirtAffinity(id: number): number {
  return ((Math.floor(id / 16) << 8) | id % 16) >>> 0;
}

/**
 * A sparse layout mirroring a 4-socket host, as a VMM that copies host MPIDRs produces:
 * vCPU i sits on socket i % 4 (Aff3), alternates between two dies numbered 0x00 and 0x21 by
 * firmware (Aff2), uses even cluster numbers (Aff1) and 12 of the 16 Aff0 slots of a cluster.
 * From about 512 vCPUs more than 10 affinity bits vary, so KVM 6.7's index table no longer fits
 * a page and it falls back to linear search.
 */
export function sparseHostAffinity(id: number): number {
  const socket = id & 3;
  const j = id >>> 2;
  const die = (j & 1) === 0 ? 0x00 : 0x21;
  const k = j >>> 1;
  const cluster = 2 * Math.floor(k / 12);
  const core = k % 12;
  return ((socket << 24) | (die << 16) | (cluster << 8) | core) >>> 0;
}

const PRESETS = {
  kvm: { max: MAX_VCPUS, affinity: kvmDefaultAffinity, what: "KVM default layout" },
  qemu: { max: QEMU_VIRT_MAX_VCPUS, affinity: qemuVirtAffinity, what: "QEMU virt GICv3 layout" },
  sparse: { max: MAX_VCPUS, affinity: sparseHostAffinity, what: "sparse 4-socket host-mirroring layout" },
} as const;
/** Names of the layout presets (`<name>:<vcpus>`). */
export const PRESET_NAMES = Object.keys(PRESETS) as (keyof typeof PRESETS)[];

/** Whether `spec` names a preset (`kvm:64`), rather than a file. */
export function isPresetSpec(spec: string): boolean {
  if (typeof spec !== "string") return false;
  return /^[a-z]+:/.test(spec) && PRESET_NAMES.some((p) => spec.startsWith(`${p}:`));
}

/**
 * Builds a preset topology from `kvm:<n>`, `qemu:<n>` or `sparse:<n>`.
 * @example presetTopology("kvm:512").count // 512
 */
export function presetTopology(spec: string): Topology {
  if (typeof spec !== "string") throw new TopologyError(`a topology preset must be a string such as "kvm:64", got ${describeValue(spec)}`, describeValue(spec));
  const m = /^([a-z]+):(.*)$/.exec(spec);
  // Own names only: "constructor:4" is not a preset.
  const preset = m?.[1] !== undefined && Object.hasOwn(PRESETS, m[1]) ? PRESETS[m[1] as keyof typeof PRESETS] : undefined;
  if (m === null || preset === undefined) {
    throw new TopologyError(`unknown topology preset "${spec}" (expected ${PRESET_NAMES.map((p) => `${p}:<n>`).join(", ")} or a JSON file)`, spec);
  }
  const nText = m[2] ?? "";
  if (!/^[0-9]+$/.test(nText)) throw new TopologyError(`topology ${spec}: vCPU count "${nText}" is not a positive integer`, spec);
  const n = Number(nText);
  if (n < 1 || n > preset.max) {
    throw new TopologyError(`topology ${spec}: vCPU count ${nText} is out of range (the ${preset.what} supports 1..${String(preset.max)})`, spec);
  }
  const affs = new Uint32Array(n);
  for (let i = 0; i < n; i++) affs[i] = preset.affinity(i);
  return new Topology(spec, affs, false);
}
