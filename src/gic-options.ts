/**
 * Checks of what a caller hands VirtualGic: its options object and the arguments of its methods
 * that are not guest register values. A JavaScript caller is not held to the types, so every
 * value is checked and a wrong one is an `InvalidOptionError` naming the option and the values it
 * takes — never a `TypeError` from deep inside an engine later.
 */
import { engineNames, isEngineName } from "./engines/registry.ts";
import { describeValue, InvalidOptionError, InvalidValueError } from "./errors.ts";
import { Topology } from "./topology/topology.ts";

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
