/**
 * A minimal emulator loop around VirtualGic: vCPUs are plain objects, a vCPU's guest code writes
 * ICC_SGI1R_EL1 (the emulator forwards the trapped write), and a kicked vCPU acknowledges the
 * SGI, handles it and writes EOI — what an emulator does on ICC_IAR1_EL1 / ICC_EOIR1_EL1.
 *
 * Run: `npm run examples` (or, from an installed package, compile with tsc and run with node).
 */
import { encodeSgiRegister, SPURIOUS_INTID, VirtualGic } from "vsgi";

interface Vcpu {
  readonly id: number;
  /** Set by a kick: the vCPU has an SGI to take at its next exit from the guest. */
  kicked: boolean;
  /** What this vCPU handled, as `SGI <intid>` strings. */
  readonly handled: string[];
}

/** Runs the loop and returns what each vCPU handled (the example prints it). */
export function runEmulator(): { handled: Record<number, string[]>; writes: number; spuriousEois: number } {
  // Eight vCPUs in KVM's default layout: Aff1 = 0 and Aff0 = the vCPU id.
  const gic = new VirtualGic({ topology: "kvm:8" });
  const vcpus: Vcpu[] = Array.from({ length: gic.topology.count }, (_, id) => ({ id, kicked: false, handled: [] }));
  gic.onKick((vcpu) => {
    vcpus[vcpu]!.kicked = true; // a real VMM would also interrupt the vCPU's thread here
  });

  // vCPU 0 sends SGI 1 (a Linux "reschedule" IPI) to vCPUs 3 and 5: Aff1 = 0, TargetList bits 3 and 5.
  gic.writeSgi1r(0, encodeSgiRegister({ intid: 1, aff1: 0, targetList: (1 << 3) | (1 << 5) }));
  // vCPU 2 broadcasts SGI 2 to every other vCPU (IRM = 1).
  gic.writeSgi1r(2, encodeSgiRegister({ intid: 2, irm: 1 }));

  // The run loop: each kicked vCPU takes its SGIs until acknowledge says none is left.
  for (const v of vcpus) {
    if (!v.kicked) continue;
    v.kicked = false;
    for (let intid = gic.acknowledge(v.id); intid !== SPURIOUS_INTID; intid = gic.acknowledge(v.id)) {
      v.handled.push(`SGI ${String(intid)}`);
      gic.eoi(v.id, intid);
    }
  }
  const handled: Record<number, string[]> = {};
  for (const v of vcpus) handled[v.id] = v.handled;
  return { handled, writes: gic.diagnostics.writes, spuriousEois: gic.diagnostics.spuriousEois };
}

const result = runEmulator();
for (const [vcpu, sgis] of Object.entries(result.handled)) console.log(`vCPU ${vcpu}: ${sgis.length === 0 ? "-" : sgis.join(", ")}`);
