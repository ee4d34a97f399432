/** Checks of an SGI configuration a caller passes (`configure`, `VirtualGic.configureSgi`). */
import { describeValue, InvalidOptionError, InvalidValueError } from "../errors.ts";
import { SGI_COUNT } from "./layout.ts";

function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

const isBoolean = (v: unknown): boolean => typeof v === "boolean";

/** Checks that `intid` is an SGI's INTID (0..15). */
export function checkIntid(intid: unknown): asserts intid is number {
  if (typeof intid !== "number" || !Number.isInteger(intid) || intid < 0 || intid >= SGI_COUNT) throw new InvalidValueError(`SGI INTID must be 0..15, got ${describeValue(intid)}`, describeValue(intid), "intid");
}

/** Checks an SGI configuration (`configureSgi`): INTID 0..15, enabled boolean, group 0 or 1, priority 0..255. */
export function checkSgiConfig(intid: unknown, config: unknown): asserts config is { readonly enabled?: boolean; readonly group?: 0 | 1; readonly priority?: number } {
  checkIntid(intid);
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new InvalidOptionError("config", config, "an object { enabled?, group?, priority? }", "configureSgi");
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (key !== "enabled" && key !== "group" && key !== "priority") throw new InvalidOptionError(key, c[key], "enabled, group, priority", "configureSgi", true);
  }
  if (!isOptional(c.enabled, isBoolean)) throw new InvalidOptionError("enabled", c.enabled, "true or false", "configureSgi");
  if (!isOptional(c.group, (v) => v === 0 || v === 1)) throw new InvalidOptionError("group", c.group, "0 or 1", "configureSgi");
  if (!isOptional(c.priority, (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255)) throw new InvalidOptionError("priority", c.priority, "an integer 0..255", "configureSgi");
}

