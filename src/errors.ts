/**
 * Typed errors of vsgi. Every error carries a stable `code`, the offending input and, where
 * known, where it was found (a file:line, a JSON path, a register field).
 */

/** Stable error codes; a caller switches on these, never on message text. */
export const ErrorCode = {
  InvalidRegister: "invalid-register",
  InvalidValue: "invalid-value",
  Topology: "topology",
  UnknownVcpu: "unknown-vcpu",
  TraceParse: "trace-parse",
  Usage: "usage",
  Config: "config",
  Plugin: "plugin",
  InvalidOption: "invalid-option",
  StateBuffer: "state-buffer",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error vsgi throws on bad input. */
export class VsgiError extends Error {
  readonly code: ErrorCode;
  /** The offending input, as given (string form). */
  readonly input: string | undefined;
  /** Where the input was found: `file:line`, a JSON path, a field name. */
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, input?: string, where?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.input = input;
    this.where = where;
  }
}

/** A register value that is not a valid encoding (reserved bits, reserved field values, too wide). */
export class InvalidRegisterError extends VsgiError {
  /** Mask of the offending bits, when the problem is reserved bits. */
  readonly bits: bigint;
  constructor(message: string, input: string, bits = 0n, where?: string) {
    super(ErrorCode.InvalidRegister, message, input, where);
    this.bits = bits;
  }
}

/** A number or string that cannot be read as the value it should be (not hex, negative, too large). */
export class InvalidValueError extends VsgiError {
  constructor(message: string, input: string, where?: string) {
    super(ErrorCode.InvalidValue, message, input, where);
  }
}

/** A vCPU layout that cannot exist (duplicate affinities, bits outside the fields, bad JSON...). */
export class TopologyError extends VsgiError {
  constructor(message: string, input?: string, where?: string) {
    super(ErrorCode.Topology, message, input, where);
  }
}

/** A vCPU id that the topology does not have. */
export class UnknownVcpuError extends VsgiError {
  constructor(vcpu: number, count: number, where = "vcpu") {
    super(
      ErrorCode.UnknownVcpu,
      `unknown vCPU ${describeValue(vcpu)} (${where}): the topology has vCPUs 0..${String(count - 1)}`,
      describeValue(vcpu),
      where,
    );
  }
}

/** A trace line (or stream) that cannot be read: names the file, the 1-based line and the text. */
export class TraceParseError extends VsgiError {
  readonly file: string;
  /** 1-based line number; 0 when the problem is the stream itself (e.g. truncated gzip). */
  readonly line: number;
  readonly text: string;
  constructor(message: string, file: string, line: number, text: string) {
    const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    super(ErrorCode.TraceParse, `${file}:${String(line)}: ${message}${text === "" ? "" : `: ${JSON.stringify(shown)}`}`, text, `${file}:${String(line)}`);
    this.file = file;
    this.line = line;
    this.text = text;
  }
}

/** A bad command line. */
export class UsageError extends VsgiError {
  constructor(message: string, input?: string) {
    super(ErrorCode.Usage, message, input);
  }
}

/**
 * A plugin engine that cannot be loaded or run: a module without an engine, a `.ts` file with no
 * TypeScript loader, a C file that does not compile or no C compiler, or an engine that broke
 * the contract while running (a target outside the VM, `*ntargets` never set).
 */
export class PluginError extends VsgiError {
  constructor(message: string, input?: string, where?: string) {
    super(ErrorCode.Plugin, message, input, where);
  }
}

/** An option of a library object (`VirtualGic`, an SGI configuration) that is not one of its allowed values. */
export class InvalidOptionError extends VsgiError {
  /** The option's name, e.g. `gicVersion`. */
  readonly option: string;
  /** The values it takes, as text (`2, 3`). */
  readonly allowed: string;
  /** `unknown`: the option does not exist (then `allowed` lists the options that do). */
  constructor(option: string, value: unknown, allowed: string, owner = "VirtualGic", unknown = false) {
    super(
      ErrorCode.InvalidOption,
      unknown ? `${owner} has no option ${JSON.stringify(option)} (it takes ${allowed})` : `${owner} option ${option}: ${describeValue(value)} is not allowed (expected ${allowed})`,
      describeValue(value),
      option,
    );
    this.option = option;
    this.allowed = allowed;
  }
}

/** A buffer given for the SGI state that cannot hold it (too small, wrong kind, another layout). */
export class StateBufferError extends VsgiError {
  constructor(message: string, input?: string) {
    super(ErrorCode.StateBuffer, message, input, "buffer");
  }
}

/** A value as an error message shows it: strings quoted, objects by kind, never a stack of text. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value === undefined || value === null) return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  return Array.isArray(value) ? "an array" : "an object";
}

/** Checks that `value` is an object (or, with `optional`, undefined): a caller's options or fields. */
export function checkObject(value: unknown, what: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== "object" || value === null) throw new InvalidValueError(`${what} must be an object, got ${describeValue(value)}`, describeValue(value), what);
}

/** Checks that `value` is an integer number in 0..max (a register field, a packed affinity). */
export function checkUint(value: unknown, what: string, max: number): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidValueError(`${what} must be an integer 0..${String(max)}, got ${describeValue(value)}`, describeValue(value), what);
  }
}

/** Checks that `value` is a string (a path, a name): a caller is not held to the types. */
export function checkText(value: unknown, what: string): asserts value is string {
  if (typeof value !== "string") throw new InvalidValueError(`${what} must be text, got ${describeValue(value)}`, describeValue(value), what);
}

/** Checks that `vcpu` is an integer id in 0..count-1. */
export function checkVcpu(vcpu: number, count: number, where = "vcpu"): void {
  if (typeof vcpu !== "number" || !Number.isInteger(vcpu) || vcpu < 0 || vcpu >= count) throw new UnknownVcpuError(vcpu, count, where);
}
