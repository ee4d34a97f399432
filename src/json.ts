/**
 * Strict JSON parsing with the position of the first syntax error as `file:line:column`
 * (Node 20's JSON.parse often reports no position). Used by every JSON input vsgi reads.
 */
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import type { VsgiError } from "./errors.ts";

/** Line and column (1-based) of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Parses `text` as strict JSON (no comments, no trailing commas).
 * @throws an instance of `ErrorClass` whose message starts `source:line:column: malformed JSON`.
 */
export function parseJsonStrict(
  text: string,
  source: string,
  ErrorClass: new (message: string, input?: string, where?: string) => VsgiError,
): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first !== undefined) {
    const { line, column } = lineColumn(text, first.offset);
    const at = `${source}:${String(line)}:${String(column)}`;
    const near = JSON.stringify(text.slice(first.offset, first.offset + 20));
    throw new ErrorClass(`${at}: malformed JSON: ${printParseErrorCode(first.error)} near ${near}`, source, at);
  }
  return value;
}
