/** src/trace/safe-output.ts: the writer rule every vsgi output follows (issue 17, items 9 and 10). */
import assert from "node:assert/strict";
import { linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkOutputPath, OutputError, writeAtomically, writeFileAtomically } from "../../src/trace/safe-output.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir();
after(() => tmp.cleanup());
const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("safe output", () => {
  it("refuses an output that is an input: same path, through a symlink, or a hard link", () => {
    const input = tmp.file("in.txt", "input");
    const sym = join(tmp.dir, "in-sym.txt");
    const hard = join(tmp.dir, "in-hard.txt");
    symlinkSync(input, sym);
    linkSync(input, hard);
    for (const out of [input, sym, hard]) assert.throws(() => checkOutputPath(out, [input]), (e: unknown) => e instanceof OutputError && /is the input/.test(e.message));
    assert.doesNotThrow(() => checkOutputPath(join(tmp.dir, "new.txt"), [input]));
  });

  it("refuses a folder, a missing folder and a FIFO-like non-regular file before any work", () => {
    assert.throws(() => checkOutputPath(tmp.dir), /is a folder/);
    assert.throws(() => checkOutputPath(join(tmp.dir, "missing", "x")), /does not exist/);
    assert.throws(() => checkOutputPath("/dev/null"), /not a regular file/);
  });

  it("replaces the destination only when the work succeeds, through a temporary file in the same folder", async () => {
    const out = tmp.file("dest.txt", "old");
    let sawTemp = false;
    await writeAtomically(out, [], async (sink) => {
      sink.write("new");
      sawTemp = leftovers(tmp.dir).length === 1;
      assert.equal(readFileSync(out, "utf8"), "old", "the destination is untouched while writing");
    });
    assert.ok(sawTemp);
    assert.equal(readFileSync(out, "utf8"), "new");
    assert.deepEqual(leftovers(tmp.dir), []);
  });

  it("on failure removes the temporary file, leaves the destination as it was and rethrows", async () => {
    const out = tmp.file("keep.txt", "precious");
    await assert.rejects(
      writeAtomically(out, [], async (sink) => {
        sink.write("half");
        throw new OutputError("the work failed", out);
      }),
      /the work failed/,
    );
    assert.equal(readFileSync(out, "utf8"), "precious");
    assert.deepEqual(leftovers(tmp.dir), []);
  });

  it("replaces a symlink given as destination instead of writing through it", async () => {
    const target = tmp.file("target.txt", "target");
    const link = join(tmp.dir, "link.txt");
    symlinkSync(target, link);
    await writeFileAtomically(link, "via link");
    assert.equal(readFileSync(target, "utf8"), "target");
    assert.equal(readFileSync(link, "utf8"), "via link");
  });

  it("writes into a new file in an existing folder", async () => {
    const dir = join(tmp.dir, "sub");
    mkdirSync(dir);
    await writeFileAtomically(join(dir, "a.json"), "{}");
    assert.equal(readFileSync(join(dir, "a.json"), "utf8"), "{}");
    writeFileSync(join(dir, "b.json"), "x");
    assert.deepEqual(readdirSync(dir).sort(), ["a.json", "b.json"]);
  });
});
