/**
 * Issue 17, item 8 for the Node entry (`vsgi/node`): every function, given arguments of the wrong
 * type (undefined, null, numbers, prototype-free objects, symbols, bigints), refuses them with a
 * VsgiError — never a TypeError from inside. The core entry is fuzzed the same way in
 * test/fuzz/targets.ts ("public API").
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as node from "../../src/entries/node.ts";
import { describeValue, VsgiError } from "../../src/errors.ts";

const JUNK: readonly unknown[] = [undefined, null, 5, {}, Object.create(null), [], Symbol("s"), 10n, "/dev/zero"];
const SECOND: readonly unknown[] = [undefined, {}, null, 3, { format: 5 }, { topology: "x" }, "x"];
/** Functions that start threads or a guest (their arguments are checked by the same helpers). */
const SKIP = new Set(["capture", "runStress"]);

describe("vsgi/node functions refuse wrong arguments with VsgiErrors", () => {
  for (const [name, f] of Object.entries(node)) {
    if (typeof f !== "function" || SKIP.has(name) || /^[A-Z]/.test(name)) continue;
    it(name, async () => {
      const untyped: string[] = [];
      for (const a of JUNK) {
        for (const b of SECOND) {
          try {
            const r: unknown = (f as (...args: unknown[]) => unknown)(a, b, b);
            if (r instanceof Promise) await r;
            if (typeof r === "object" && r !== null && Symbol.asyncIterator in r) for await (const _ of r as AsyncIterable<unknown>) break;
          } catch (e) {
            if (!(e instanceof VsgiError)) untyped.push(`${name}(${describeValue(a)}, ${describeValue(b)}): ${e instanceof Error ? `${e.name}: ${e.message}` : describeValue(e)}`);
          }
        }
      }
      assert.deepEqual(untyped, []);
    });
  }
});
