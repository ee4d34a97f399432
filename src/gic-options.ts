/**
 * What VirtualGic takes (its options) and reports (its diagnostics), and the checks of what a
 * caller hands it: its options object and the arguments of its methods
 * that are not guest register values. A JavaScript caller is not held to the types, so every
 * value is checked and a wrong one is an `InvalidOptionError` naming the option and the values it
 * takes — never a `TypeError` from deep inside an engine later.
 */
import type { EngineName } from "./engines/engine.ts";
import { engineNames, isEngineName } from "./engines/registry.ts";
import { describeValue, InvalidOptionError, InvalidValueError } from "./errors.ts";
import { Topology } from "./topology/topology.ts";

/** How to build a VirtualGic. */
export interface VirtualGicOptions {
  /** The vCPU layout, or a preset such as `kvm:64`. */
  readonly topology: Topology | string;
  /** Dispatch engine (default `vsgi`). */
  readonly engine?: EngineName;
  /** Reject writes with RES0 bits or reserved field values instead of ignoring them (default false). */
  readonly strict?: boolean;
  /** 3 (default): GICv3 system registers; 2: GICv2 GICD_SGIR with per-source pending state. */
  readonly gicVersion?: 2 | 3;
  /** Back the SGI state with this buffer (e.g. a SharedArrayBuffer); see `sgiStateLayout`. */
  readonly buffer?: ArrayBuffer | SharedArrayBuffer;
  /**
   * Share the SGI state with other threads: writes, acknowledges and EOIs use `Atomics`
   * (see src/state/shared.ts; size the buffer with `sharedSgiLayout`). Default: true when
   * `buffer` is a SharedArrayBuffer on GICv3, else false. GICv3 only.
   */
  readonly concurrent?: boolean;
  /**
   * How a newly pending SGI reaches its vCPU. `list-registers` (default): the hypervisor kicks the
   * target, calling every `onKick` listener. `gicv4.1`: direct vSGI (GICv4.1, Linux 5.7): the write
   * still traps and is dispatched the same way, but the redistributor makes the SGI pending itself
   * when the target's vPE is resident (counted in `directInjections`, no kick); a non-resident vPE
   * gets a doorbell (counted in `doorbells`) and the listeners are called so the VMM runs it.
   * Every vPE starts resident; see `setResident`. GICv3 only.
   */
  readonly delivery?: "list-registers" | "gicv4.1";
}

/** Counters of everything unusual VirtualGic saw. */
export interface GicDiagnostics {
  /** SGI register writes handled. */
  writes: number;
  /** Writes with RES0 bits set (ignored, as hardware does). */
  res0Writes: number;
  /** Writes with RS ≠ 0 on a VM without RSS (treated as RS = 0). */
  rsWithoutRss: number;
  /** GICD_SGIR writes with the reserved TargetListFilter 3 (no SGI generated). */
  reservedFilterWrites: number;
  /** EOIs of an INTID that is not an active SGI: not active, not an SGI, not an INTID (ignored, as hardware does). */
  spuriousEois: number;
  /** Acknowledges that found nothing to signal (returned 1023). */
  spuriousAcks: number;
  /** Writes the peer answers with a guest exception instead of SGIs (Xen); see `lastException`. */
  guestExceptions: number;
}

const OPTION_NAMES = ["topology", "engine", "strict", "gicVersion", "buffer", "concurrent", "delivery"] as const;
/** `delivery` values. */
export const DELIVERY_MODES = ["list-registers", "gicv4.1"] as const;

function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const isBoolean = (v: unknown): boolean => typeof v === "boolean";

/**
 * Throws `InvalidOptionError` for the first option of `options` that VirtualGic does not take or
 * that has a value outside its allowed ones.
 */
export function checkVirtualGicOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new InvalidOptionError("options", options, "an object with at least topology");
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) throw new InvalidOptionError(key, o[key], OPTION_NAMES.join(", "), "VirtualGic", true);
  }
  if (typeof o.topology !== "string" && !(o.topology instanceof Topology)) throw new InvalidOptionError("topology", o.topology, "a Topology or a preset such as \"kvm:64\"");
  if (!isOptional(o.engine, (v) => typeof v === "string" && isEngineName(v))) throw new InvalidOptionError("engine", o.engine, `one of ${engineNames().join(", ")}`);
  if (!isOptional(o.strict, isBoolean)) throw new InvalidOptionError("strict", o.strict, "true or false");
  if (!isOptional(o.gicVersion, (v) => v === 2 || v === 3)) throw new InvalidOptionError("gicVersion", o.gicVersion, "2 or 3");
  const isBuffer = (v: unknown): boolean => v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && v instanceof SharedArrayBuffer);
  if (!isOptional(o.buffer, isBuffer)) throw new InvalidOptionError("buffer", o.buffer, "an ArrayBuffer or a SharedArrayBuffer");
  if (!isOptional(o.concurrent, isBoolean)) throw new InvalidOptionError("concurrent", o.concurrent, "true or false");
  if (!isOptional(o.delivery, (v) => (DELIVERY_MODES as readonly unknown[]).includes(v))) throw new InvalidOptionError("delivery", o.delivery, DELIVERY_MODES.map((d) => `"${d}"`).join(" or "));
}

/** Checks the halves of a 64-bit register value: each a uint32 number. */
export function checkHalves(hi: unknown, lo: unknown): void {
  if (typeof hi !== "number" || hi >>> 0 !== hi) throw new InvalidValueError(`hi (bits 63:32) must be a uint32 number, got ${describeValue(hi)}`, describeValue(hi), "hi");
  if (typeof lo !== "number" || lo >>> 0 !== lo) throw new InvalidValueError(`lo (bits 31:0) must be a uint32 number, got ${describeValue(lo)}`, describeValue(lo), "lo");
}
