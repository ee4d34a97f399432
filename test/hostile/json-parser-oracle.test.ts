/**
 * The safe JSON parser (src/json.ts) against JSON.parse as the oracle: on any JSON text it must
 * return the same value (objects without a prototype) or, where JSON.parse refuses the text,
 * refuse it too with a typed error. Duplicate keys and nesting past the limit are the only texts
 * JSON.parse accepts and it refuses, on purpose.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { TopologyError } from "../../src/errors.ts";
import { parseJsonStrict } from "../../src/json.ts";
import { params } from "../support/seed.ts";

/** `v` with every object rebuilt with Object.prototype, for deepEqual against JSON.parse. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: plain((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

const text = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 2)),
  fc.tuple(fc.json({ maxDepth: 2 }), fc.nat(), fc.constantFrom("", ",", "]", "}", "\"", "-", "0", "e", " ", "\\", "\u0000", "tru", "nul")).map(([t, at, ch]) => {
    const p = at % (t.length + 1);
    return t.slice(0, p) + ch + t.slice(p + 1);
  }),
);

describe("parseJsonStrict agrees with JSON.parse", () => {
  it("same value on valid JSON, a TopologyError where JSON.parse throws", () => {
    fc.assert(
      fc.property(text, (t) => {
        let want: unknown;
        let valid = true;
        try {
          want = JSON.parse(t);
        } catch {
          valid = false;
        }
        let got: unknown;
        try {
          got = parseJsonStrict(t, "t.json", TopologyError);
        } catch (e) {
          assert.ok(e instanceof TopologyError, String(e));
          // Refusing valid JSON is only right for a repeated key (fc.json never nests past 64).
          if (valid) assert.match(e.message, /duplicate key/, t);
          return;
        }
        assert.ok(valid, `accepted what JSON.parse refuses: ${JSON.stringify(t)}`);
        assert.deepEqual(plain(got), want);
      }),
      params(20_000),
    );
  });

  it("keeps __proto__ as an own key where JSON.parse does too", () => {
    const t = '{"__proto__": {"rss": true}, "a": [{"__proto__": 1}]}';
    assert.deepEqual(plain(parseJsonStrict(t, "t.json", TopologyError)), JSON.parse(t));
  });
});
