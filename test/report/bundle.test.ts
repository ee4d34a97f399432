/** The route explorer's browser bundle is built from the project's own sources, for the browser. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildExplorerBundle } from "../../src/report/bundle.ts";

describe("explorer bundle", () => {
  it("bundles the codec, presets and engines into one inlinable browser script", async () => {
    const js = await buildExplorerBundle();
    assert.ok(js.length > 5_000 && js.length < 200_000, `size ${String(js.length)}`);
    assert.doesNotMatch(js, /\bnode:|require\(/, "nothing from Node");
    assert.doesNotMatch(js, /<\/script/i);
    // Names kept by the bundle show the real modules went in, not a second implementation.
    for (const name of ["VsgiEngine", "KvmLinearEngine", "KvmMpidrIndexEngine", "decodeSgiRegister", "presetTopology"]) assert.match(js, new RegExp(name));
  });
});
