/** offsetOfPath: where a JSON path points in the document's text (for file:line:column errors). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { offsetOfPath } from "../../src/topology/json-position.ts";

describe("offsetOfPath", () => {
  const text = '{ "name": "a,]}\\"b", "mpidrs": [ "0x0", [1, {"x": 2}], true ],\n  "rss": false, "k\\u0065y": 3 }';

  it("finds values through objects and arrays, past strings holding brackets and escapes", () => {
    assert.equal(text.slice(offsetOfPath(text, ["mpidrs", 2])).slice(0, 4), "true");
    assert.equal(text.slice(offsetOfPath(text, ["mpidrs", 1, 1, "x"])).slice(0, 1), "2");
    assert.equal(text.slice(offsetOfPath(text, ["rss"])).slice(0, 5), "false");
    assert.equal(text.slice(offsetOfPath(text, ["key"])).slice(0, 1), "3", "an escaped key matches its decoded text");
  });

  it("finds a key with atKey, the document for an empty path, and stops where the path leaves the document", () => {
    assert.equal(text.slice(offsetOfPath(text, ["rss"], true)).slice(0, 5), '"rss"');
    assert.equal(offsetOfPath(text, []), 0);
    assert.equal(offsetOfPath(text, ["nope"]), 0, "a missing key: the enclosing object");
    assert.equal(text.slice(offsetOfPath(text, ["mpidrs", 9])).slice(0, 1), "[", "an index past the end: the array");
    assert.equal(text.slice(offsetOfPath(text, ["name", "deeper"])).slice(0, 3), '"a,', "into a string: the string");
  });
});
