/** Checks a command's real JSON output against the schema vsgi ships in schemas/. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";

const ajv = new Ajv2020({ allErrors: true, strict: true });

/** The parsed `schemas/vsgi-<command>.schema.json`. */
export function shippedSchema(command: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../schemas/vsgi-${command}.schema.json`, import.meta.url), "utf8")) as Record<string, unknown>;
}

/** Asserts that `value` is valid against `vsgi-<command>.schema.json`, naming every violation. */
export function assertMatchesSchema(command: string, value: unknown): void {
  const id = `vsgi-${command}.schema.json`;
  const validate = ajv.getSchema(id) ?? ajv.compile(shippedSchema(command));
  const ok = validate(value);
  assert.ok(ok, `${command} output does not match ${id}: ${ajv.errorsText(validate.errors, { separator: "; " })}`);
}
