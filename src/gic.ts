/**
 * VirtualGic — the embeddable façade: the SGI part of a virtual GICv3 (or GICv2 distributor)
 * for an emulator or VMM. It traps nothing itself: the caller forwards a guest's write of
 * ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1 (or GICD_SGIR) and the vCPU interface's
 * acknowledge and EOI; VirtualGic finds the targets with a dispatch engine, keeps the SGI state
 * and calls `onKick` listeners for every target that newly became pending.
 */
import { decodeGicdSgirLo, GICD_SGIR_RES0_MASK, GICV2_MAX_CPUS, gicdSgirTargetMask } from "./arch/gicd-sgir.ts";
import {
  decodeSgiInto,
  newSgiWrite,
  SGI_REGISTER_ARCH_NAMES,
  SGI_RES0_MASK,
  SgiRegister,
  type SgiWrite,
} from "./arch/sgi-register.ts";
import { bitPositions, formatHex, joinU64, parseRegisterValue, splitU64 } from "./arch/value.ts";
import type { Engine } from "./engines/engine.ts";
import { type GuestException, PeerFront } from "./engines/peer-sink.ts";
import { type PeerRules, peerRulesOfEngine } from "./engines/peers.ts";
import { createEngine } from "./engines/registry.ts";
import { checkVcpu, describeValue, InvalidOptionError, InvalidRegisterError, InvalidValueError, TopologyError, UsageError } from "./errors.ts";
import { checkHalves, checkVirtualGicOptions, type GicDiagnostics, type VirtualGicOptions } from "./gic-options.ts";

export type { GicDiagnostics, VirtualGicOptions } from "./gic-options.ts";
import { SGI_COUNT, SPURIOUS_INTID } from "./state/layout.ts";
import { SgiState } from "./state/sgi-state.ts";
import { checkSgiConfig } from "./state/config-check.ts";
import { KickRouter } from "./state/kick-router.ts";
import type { KickHandler } from "./state/sink.ts";
import { AtomicSgiState } from "./state/shared.ts";
import type { SgiConfig } from "./state/store.ts";
import { presetTopology } from "./topology/presets.ts";
import type { Topology } from "./topology/topology.ts";

/**
 * The SGI subsystem of one VM.
 * @example
 * const gic = new VirtualGic({ topology: "kvm:512" });
 * gic.onKick((vcpu, intid) => wake(vcpu));
 * gic.writeSgi1r(3, 0x011f8001n); // SGI 1 to vCPUs 496 and 511
 * gic.acknowledge(496); // 1
 * gic.eoi(496, 1);
 */
export class VirtualGic {
  readonly topology: Topology;
  readonly engine: Engine;
  readonly state: SgiState;
  readonly strict: boolean;
  readonly gicVersion: 2 | 3;
  readonly diagnostics: GicDiagnostics = { writes: 0, res0Writes: 0, rsWithoutRss: 0, reservedFilterWrites: 0, spuriousEois: 0, spuriousAcks: 0, guestExceptions: 0 };
  /**
   * The peer whose rules this VirtualGic follows beyond the lookup: the engine's (kvm-linear →
   * kvm-6.6, qemu-scan → qemu-7.2+, xen → xen-4.x, …); vsgi and reference follow the architecture.
   */
  readonly peer: PeerRules;
  /** The exception the last write raised in the guest (Xen: SGI0R/ASGI1R UNDEF, GICD_SGIR filter 3 data abort), or null. */
  lastException: GuestException | null = null;
  /** Total visits (vCPU records or table slots examined) by the engine over all writes. */
  visits = 0;
  readonly #write: SgiWrite = newSgiWrite();
  /** How SGIs reach their vCPUs (see `VirtualGicOptions.delivery`). */
  readonly delivery: "list-registers" | "gicv4.1";
  readonly #kicks: KickRouter;
  /** The peer's power states, trap and filter-3 rules, drop counters, and the sink the engine delivers into. */
  readonly peerFront: PeerFront;

  /**
   * @throws InvalidOptionError naming an unknown option or one outside its allowed values
   *   (engine, gicVersion, delivery, ...); TopologyError when the engine cannot serve the layout;
   *   StateBufferError when `buffer` cannot hold the state.
   */
  constructor(options: VirtualGicOptions) {
    checkVirtualGicOptions(options);
    this.topology = typeof options.topology === "string" ? presetTopology(options.topology) : options.topology;
    this.strict = options.strict ?? false;
    this.gicVersion = options.gicVersion ?? 3;
    if (this.gicVersion === 2 && this.topology.count > GICV2_MAX_CPUS) {
      throw new TopologyError(`GICv2 supports at most ${String(GICV2_MAX_CPUS)} CPUs; topology ${this.topology.name} has ${String(this.topology.count)}`, this.topology.name);
    }
    this.engine = createEngine(options.engine ?? "vsgi");
    this.peer = peerRulesOfEngine(this.engine.name);
    const support = this.engine.prepare(this.topology);
    if (!support.supported) throw new TopologyError(`engine ${this.engine.name} cannot serve topology ${this.topology.name}: ${support.reason}`, this.topology.name);
    // A peer's engine never runs a VM its peer cannot create (sizes past it are bench projections).
    if (support.projection !== undefined) throw new TopologyError(`engine ${this.engine.name} cannot run ${this.topology.name}: ${String(this.topology.count)} vCPUs are ${support.projection}`, this.topology.name);
    const concurrent = options.concurrent ?? (this.gicVersion === 3 && typeof SharedArrayBuffer !== "undefined" && options.buffer instanceof SharedArrayBuffer);
    if (concurrent) {
      if (this.gicVersion !== 3) throw new UsageError("concurrent (shared, atomic) SGI state is implemented for GICv3 only");
      if (options.buffer !== undefined && !(options.buffer instanceof SharedArrayBuffer)) throw new UsageError("concurrent: true needs a SharedArrayBuffer buffer");
      this.state = new AtomicSgiState(this.topology.count, options.buffer);
    } else {
      this.state = new SgiState(this.topology.count, options.buffer);
    }
    this.delivery = options.delivery ?? "list-registers";
    if (this.delivery === "gicv4.1" && this.gicVersion !== 3) throw new UsageError("delivery gicv4.1 (direct vSGI) exists only on a GICv3 VirtualGic");
    this.#kicks = new KickRouter(this.state, this.delivery === "gicv4.1");
    this.peerFront = new PeerFront(this.peer, this.state, this.topology.count);
  }

  /**
   * Powers `vcpu` on or off (as PSCI CPU_ON / CPU_OFF would). Peers that check (Xen's vgic_to_sgi)
   * then skip it as a target; KVM, QEMU and the architecture keep marking it pending.
   */
  setOnline(vcpu: number, online: boolean): void {
    checkVcpu(vcpu, this.topology.count);
    this.peerFront.online[vcpu] = online ? 1 : 0;
  }

  /** GICv4.1: SGIs the redistributor made pending directly on a resident vPE. */
  get directInjections(): number {
    return this.#kicks.directInjections;
  }

  /** GICv4.1: doorbells rung for SGIs to a non-resident vPE. */
  get doorbells(): number {
    return this.#kicks.doorbells;
  }

  /** GICv4.1: makes `vcpu`'s vPE resident (scheduled on a physical CPU) or not; others get doorbells. */
  setResident(vcpu: number, resident: boolean): void {
    checkVcpu(vcpu, this.topology.count);
    if (!this.#kicks.direct) throw new UsageError("setResident needs delivery: \"gicv4.1\"");
    if (typeof resident !== "boolean") throw new InvalidOptionError("resident", resident, "true or false", "setResident");
    this.#kicks.setResident(vcpu, resident);
  }

  /**
   * Registers a kick listener, called once per (vCPU, INTID) that newly became pending, after
   * the write that caused it was dispatched (a listener may write SGIs itself). If a listener
   * throws, every target is still kicked, then the write rethrows the first error.
   * @returns a function that removes the listener.
   */
  onKick(listener: KickHandler): () => void {
    if (typeof listener !== "function") throw new InvalidOptionError("listener", listener, "a function (vcpu, intid) => void", "onKick");
    return this.#kicks.add(listener);
  }

  /** A guest write of ICC_SGI1R_EL1 by vCPU `sender`. Returns the number of vCPUs reached. */
  writeSgi1r(sender: number, value: bigint | string | number): number {
    return this.#writeValue(SgiRegister.SGI1R, sender, value);
  }

  /** A guest write of ICC_SGI0R_EL1 (reaches only targets that configured the INTID as Group 0). */
  writeSgi0r(sender: number, value: bigint | string | number): number {
    return this.#writeValue(SgiRegister.SGI0R, sender, value);
  }

  /** A guest write of ICC_ASGI1R_EL1 (with one security state, like SGI0R: Group 0 targets only). */
  writeAsgi1r(sender: number, value: bigint | string | number): number {
    return this.#writeValue(SgiRegister.ASGI1R, sender, value);
  }

  #writeValue(register: SgiRegister, sender: number, value: bigint | string | number): number {
    const { hi, lo } = splitU64(parseRegisterValue(value, 64, SGI_REGISTER_ARCH_NAMES[register]));
    return this.writeSgi(register, sender, hi, lo);
  }

  /**
   * The allocation-free write path: the register value as uint32 halves (`hi` = bits 63:32).
   * Returns the number of vCPUs the write reached (newly pending or coalesced).
   */
  writeSgi(register: SgiRegister, sender: number, hi: number, lo: number): number {
    if (typeof register !== "number" || SGI_REGISTER_ARCH_NAMES[register] === undefined) throw new InvalidValueError(`register must be SgiRegister.SGI1R, SGI0R or ASGI1R (0, 1, 2), got ${describeValue(register)}`, describeValue(register), "register");
    checkHalves(hi, lo);
    if (this.gicVersion !== 3) throw new UsageError(`${SGI_REGISTER_ARCH_NAMES[register]} does not exist on a GICv2 VirtualGic; use writeGicdSgir`);
    checkVcpu(sender, this.topology.count, "sender");
    const w = this.#write;
    if (decodeSgiInto(w, hi, lo, register) !== 0) {
      if (this.strict) {
        const res0 = joinU64(hi, lo) & SGI_RES0_MASK;
        throw new InvalidRegisterError(
          `${SGI_REGISTER_ARCH_NAMES[register]} ${formatHex(joinU64(hi, lo))} from vCPU ${String(sender)}: RES0 bits ${bitPositions(res0).join(", ")} set`,
          formatHex(joinU64(hi, lo)),
          res0,
        );
      }
      this.diagnostics.res0Writes++;
    }
    if (w.rs !== 0 && !this.topology.rss && w.irm === 0) this.diagnostics.rsWithoutRss++;
    this.diagnostics.writes++;
    this.lastException = this.peerFront.trap(register);
    if (this.lastException !== null) {
      this.diagnostics.guestExceptions++;
      return 0;
    }
    const before = this.state.delivered;
    const mark = this.#kicks.mark();
    try {
      this.visits += this.engine.dispatch(w, sender, this.peerFront.sink);
    } catch (e) {
      this.#flushAfter(mark);
      throw e;
    }
    // Counted before the kicks: a listener's own writes are not this write's reach.
    const reached = this.state.delivered - before;
    this.#kicks.flush(mark);
    return reached;
  }

  /**
   * A GICv2 guest write of GICD_SGIR by CPU `sender` (GICv2 mode only). Pending state is kept
   * per source CPU. Returns the number of CPUs reached.
   */
  writeGicdSgir(sender: number, value: bigint | string | number): number {
    if (this.gicVersion !== 2) throw new UsageError("GICD_SGIR exists only on a GICv2 VirtualGic (gicVersion: 2)");
    checkVcpu(sender, this.topology.count, "sender");
    const raw = Number(parseRegisterValue(value, 32, "GICD_SGIR"));
    if ((raw & GICD_SGIR_RES0_MASK) !== 0) {
      if (this.strict) {
        throw new InvalidRegisterError(`GICD_SGIR ${formatHex(raw)}: RES0 bits ${bitPositions(BigInt((raw & GICD_SGIR_RES0_MASK) >>> 0)).join(", ")} set`, formatHex(raw), BigInt((raw & GICD_SGIR_RES0_MASK) >>> 0));
      }
      this.diagnostics.res0Writes++;
    }
    const w = decodeGicdSgirLo(raw);
    this.diagnostics.writes++;
    this.lastException = null;
    const mask = gicdSgirTargetMask(w, sender, this.topology.count);
    if (mask < 0) {
      if (this.strict) throw new InvalidRegisterError(`GICD_SGIR ${formatHex(raw)}: TargetListFilter 0b11 is reserved`, formatHex(raw), 3n << 24n, "TargetListFilter");
      this.diagnostics.reservedFilterWrites++;
    }
    // Reserved filter: the architecture and KVM send nothing, QEMU every CPU, Xen aborts.
    const targets = this.peerFront.gicv2Targets(mask, this.topology.count);
    if (typeof targets === "string") {
      this.diagnostics.guestExceptions++;
      this.lastException = targets;
      return 0;
    }
    if (targets === 0) return 0;
    const mark = this.#kicks.mark();
    const reached = this.state.deliverFromSource(this.peerFront.gicv2Source(sender), targets, w.sgiIntid);
    this.#kicks.flush(mark);
    return reached;
  }

  /** Delivers the kicks of a write whose dispatch threw; that error, not a listener's, is reported. */
  #flushAfter(mark: number): void {
    try {
      this.#kicks.flush(mark);
    } catch {
      // The dispatch error is rethrown by the caller.
    }
  }

  /**
   * The vCPU reads its interrupt acknowledge register: the highest-priority pending, enabled SGI
   * becomes active. GICv3: returns the INTID (1023 if none). GICv2: returns the GICC_IAR value,
   * INTID in bits 9:0 and the source CPU in bits 12:10 (lowest pending source first).
   */
  acknowledge(vcpu: number): number {
    checkVcpu(vcpu, this.topology.count);
    const iar = this.gicVersion === 3 ? this.state.acknowledge(vcpu) : this.state.acknowledgeSource(vcpu);
    if (iar === SPURIOUS_INTID) this.diagnostics.spuriousAcks++;
    return iar;
  }

  /**
   * End of interrupt: the SGI leaves the active state. GICv3 takes the INTID, GICv2 the value
   * acknowledge returned (its INTID bits are used). Returns false, and counts it, if the SGI
   * was not active.
   */
  eoi(vcpu: number, intidOrIar: number): boolean {
    checkVcpu(vcpu, this.topology.count);
    const valid = typeof intidOrIar === "number" && Number.isInteger(intidOrIar) && intidOrIar >= 0;
    // GICv3 ICC_EOIR1_EL1 names an INTID, with no source bits: 1025 is INTID 1025, not SGI 1.
    // Only the GICv2 GICC_EOIR format has CPUID in bits 12:10 above the 10-bit INTID.
    const intid = !valid ? -1 : this.gicVersion === 2 ? intidOrIar & 0x3ff : intidOrIar;
    // On a shared state another thread may EOI the same SGI: only the state's clear decides.
    if (intid < 0 || intid >= SGI_COUNT || !this.state.eoi(vcpu, intid)) {
      this.diagnostics.spuriousEois++;
      return false;
    }
    return true;
  }

  /**
   * Configures one SGI of one vCPU: enable, group (0/1), priority (0 = highest). On a peer whose
   * group registers are RAZ/WI (Xen) the group is ignored, as the guest's write would be.
   */
  configureSgi(vcpu: number, intid: number, config: SgiConfig): void {
    checkVcpu(vcpu, this.topology.count);
    checkSgiConfig(intid, config);
    this.state.configure(vcpu, intid, this.peerFront.configFor(config));
  }

  /** Whether `intid` is pending on `vcpu`. */
  isPending(vcpu: number, intid: number): boolean {
    checkVcpu(vcpu, this.topology.count);
    if (typeof intid !== "number" || !Number.isInteger(intid) || intid < 0 || intid >= SGI_COUNT) throw new InvalidValueError(`SGI INTID must be 0..15, got ${describeValue(intid)}`, describeValue(intid), "intid");
    return this.state.isPending(vcpu, intid);
  }
}
