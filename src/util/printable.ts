/**
 * Text from a file shown on a terminal: control characters (C0, DEL, C1, and the line and
 * paragraph separators) are escaped as `\x1b` / `\u2028`, so a topology name or a path cannot
 * move the cursor, recolour the screen, or forge a second line of output.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is escaped
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with every control character escaped; unchanged (same string) when it has none. */
export function escapeControl(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}
