/** src/trace/thread-table.ts: per-thread parser state, bounded, with counted evictions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ThreadTable } from "../../src/trace/thread-table.ts";

describe("thread table", () => {
  it("keeps the most recently stored threads, returns and counts what it evicts", () => {
    const t = new ThreadTable<string>(2);
    assert.equal(t.set(1, "a"), undefined);
    assert.equal(t.set(2, "b"), undefined);
    assert.equal(t.set(1, "a2"), undefined, "re-storing a thread makes it the most recent");
    assert.equal(t.set(3, "c"), "b");
    assert.equal(t.evictions, 1);
    assert.equal(t.size, 2);
    assert.equal(t.get(2), undefined);
    assert.deepEqual(t.drain(), ["a2", "c"]);
    assert.equal(t.size, 0);
  });

  it("rejects a capacity that is not a positive integer with a VsgiError", () => {
    assert.throws(() => new ThreadTable(0), /capacity must be a positive integer/);
  });
});
