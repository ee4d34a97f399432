/**
 * Where a JSON path points in the text of a document already parsed as strict JSON: the offset
 * of the value (or of its key), so a schema error can name `file:line:column`. Only runs on the
 * error path; a small scanner rather than a JSON library keeps the core entry's module count low.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  return i;
}

/** The offset just past the string starting at `i` (a `"`). */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++; // backslash: skip the escaped character
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

/** The offset just past the value starting at `i`. */
function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c !== "{" && c !== "[") {
    let j = i;
    while (j < text.length && !",]}".includes(text[j]!) && !WS.has(text.charCodeAt(j))) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text[j];
    if (d === '"') j = endOfString(text, j) - 1;
    else if (d === "{" || d === "[") depth++;
    else if ((d === "}" || d === "]") && --depth === 0) return j + 1;
  }
  return text.length;
}

/**
 * The offset of the value at `path` in `text` (of its key when `atKey` and the last step is an
 * object key); the deepest offset reached when the path goes further than the document.
 */
export function offsetOfPath(text: string, path: readonly (string | number)[], atKey = false): number {
  let i = skipWs(text, 0);
  for (let d = 0; d < path.length; d++) {
    const step = path[d];
    const open = text[i];
    if (open !== "{" && open !== "[") return i;
    let j = skipWs(text, i + 1);
    let index = 0;
    let found = false;
    while (j < text.length && text[j] !== "}" && text[j] !== "]") {
      let keyAt = -1;
      let key: string | number = index;
      if (open === "{") {
        keyAt = j;
        const keyEnd = endOfString(text, j);
        key = JSON.parse(text.slice(j, keyEnd)) as string;
        j = skipWs(text, skipWs(text, keyEnd) + 1); // past the colon
      }
      if (key === step) {
        if (d === path.length - 1 && atKey && keyAt >= 0) return keyAt;
        i = j;
        found = true;
        break;
      }
      j = skipWs(text, endOfValue(text, j));
      if (text[j] === ",") j = skipWs(text, j + 1);
      index++;
    }
    if (!found) return i;
  }
  return i;
}
