/**
 * Loading plugin engines: what loads (.mjs, .js, .ts, .c) and every way a file is refused, each
 * with a message saying what is wrong; the CLI maps a refusal to exit status 2.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadEngineFile } from "../../src/check/load.ts";
import { engineTemplate } from "../../src/check/templates.ts";
import { PluginError } from "../../src/errors.ts";
import { presetTopology } from "../../src/topology/presets.ts";
import { RecordingSink } from "../../src/engines/recording-sink.ts";
import { decodeSgiRegister } from "../../src/arch/sgi-register.ts";
import { runCli } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "vsgi-plugins-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function refused(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadEngineFile(path), (e: unknown) => e instanceof PluginError && pattern.test(e.message));
}

const OBJECT_ENGINE = `export default {
  name: "obj", origin: "object export",
  prepare(t) { this.t = t; return { supported: true }; },
  dispatch(w, sender, sink) { let n = 0; for (let v = 0; v < this.t.count; v++) { n++; if (w.irm ? v !== sender : (this.t.affinity[v] >>> 8) === ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) && (this.t.affinity[v] & 0xff) < 16 && ((w.targetList >>> (this.t.affinity[v] & 0xff)) & 1)) sink.deliver(v, w); } return n; },
};\n`;

describe("plugin engines load", () => {
  it("an .mjs object export, a .js class (CommonJS default), a .ts class and a .c file all route a write", async () => {
    // A .js file outside a "type": "module" package is CommonJS: its default export arrives wrapped once more.
    const js = file("cls.js", `class Cls {\n  constructor() { this.name = "cls"; }\n${OBJECT_ENGINE.slice(OBJECT_ENGINE.indexOf("  prepare"), OBJECT_ENGINE.lastIndexOf("};")).replace("},\n  dispatch", "}\n  dispatch").replace(/},\n$/, "}\n")}}\nmodule.exports.default = Cls;\n`);
    const paths = [file("obj.mjs", OBJECT_ENGINE), file("tpl.ts", engineTemplate("tpl", "ts")), file("tplc.c", engineTemplate("tplc", "c")), js];
    const t = presetTopology("kvm:32");
    const w = decodeSgiRegister("0x01010003");
    for (const p of paths) {
      const plugin = await loadEngineFile(p);
      const e = plugin.create();
      assert.deepEqual(e.prepare(t), { supported: true }, p);
      const sink = new RecordingSink(t.count);
      e.dispatch(w, 0, sink);
      assert.deepEqual(sink.sorted(), [16, 17], p);
    }
  });

  it("refuses a missing file, an unknown extension and a module without an engine", async () => {
    await refused(join(dir, "nope.mjs"), /not found/);
    await refused(file("x.py", ""), /unknown engine file type "\.py"/);
    await refused(file("none.mjs", "export const x = 1;\n"), /no default export/);
    await refused(file("half.mjs", "export default { name: 'half', prepare() { return { supported: true }; } };\n"), /no dispatch\(\) method/);
    await refused(file("future.mjs", OBJECT_ENGINE.replace('name: "obj"', 'name: "future", contract: 2')), /written for contract 2/);
    await refused(file("clash.mjs", OBJECT_ENGINE.replace('name: "obj"', 'name: "vsgi"')), /built-in engine's/);
    await refused(file("throws.mjs", "throw new Error('boom at import');\n"), /does not load: boom at import/);
  });

  it("refuses C that does not compile, lacks an ABI function or has another signature, quoting the compiler", async () => {
    await refused(file("syntax.c", "int vsgi_engine_prepare(\n"), /could not compile the engine/);
    await refused(file("half.c", "#include <stdint.h>\nint vsgi_engine_prepare(const uint32_t *a, uint32_t n, int r, char *s) { return 0; }\n"), /does not define vsgi_engine_dispatch/);
    await refused(file("sig.c", engineTemplate("sig", "c").replace("uint32_t vsgi_engine_dispatch(uint64_t sgi1r", "uint32_t vsgi_engine_dispatch(uint32_t sgi1r")), /conflicting types for .?vsgi_engine_dispatch/);
  });

  it("refuses C when there is no compiler, saying how to get one", async () => {
    const saved = process.env.CC;
    process.env.CC = "/nonexistent/cc";
    try {
      await refused(file("nocc.c", engineTemplate("nocc", "c")), /no C compiler found .*apt-get install gcc/);
    } finally {
      if (saved === undefined) delete process.env.CC;
      else process.env.CC = saved;
    }
  });

  it("a C engine that breaks the ABI while running is reported, not trusted", async () => {
    const p = file("unset.c", engineTemplate("unset", "c").replace("  *ntargets = n;\n  return g_count;\n}\n", "  (void)n;\n  return g_count;\n}\n"));
    const e = (await loadEngineFile(p)).create();
    e.prepare(presetTopology("kvm:4"));
    assert.throws(() => e.dispatch(decodeSgiRegister("0x01000001"), 0, new RecordingSink(4)), /returned without setting \*ntargets/);
  });

  it("a C engine that crashes fails the check (status 1, one line naming the signal) instead of killing vsgi silently", () => {
    const crash = file("crash.c", engineTemplate("crash", "c").replace("  uint32_t n = 0;\n", "  uint32_t n = 0;\n  if (sender == 0) targets = (uint32_t *)0;\n"));
    const r = runCli(["check", crash, "--seed", "1", "--runs", "20"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: the C engine .*crash\.c crashed the check \(SIGSEGV\)/m);
  });

  it("the CLI exits 2 with one error line (or one JSON error) when the engine does not load", () => {
    const bad = file("bad.c", "this is not C\n");
    const r = runCli(["check", bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: .*bad\.c: cc could not compile the engine/);
    const j = runCli(["check", bad, "--json"]);
    assert.equal(j.code, 2);
    const lines = j.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as { error: { code: string } }).error.code, "plugin");
    assert.equal(runCli(["route", "--topology", "kvm:4", "--sender", "0", "0x1", "--engine", join(dir, "missing.mjs")]).code, 2);
  });
});
