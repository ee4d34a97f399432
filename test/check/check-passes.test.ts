/**
 * `vsgi check` passes every correct engine: the built-ins (as the registry makes them), both
 * examples and both init-engine templates. Xen is the exception the conformance vectors already
 * record (xen-aliases-aff2/aff3: Xen's vgic_to_sgi uses Aff1 only), and check must find it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { unpackAffinity } from "../../src/arch/mpidr.ts";
import { decodeSgiRegister } from "../../src/arch/sgi-register.ts";
import { checkEngine } from "../../src/check/check.ts";
import type { PluginEngine } from "../../src/check/contract.ts";
import { loadEngineFile } from "../../src/check/load.ts";
import { engineTemplate } from "../../src/check/templates.ts";
import { engineEntries } from "../../src/engines/index.ts";
import { loadTopology } from "../../src/topology/index.ts";
import { runCli } from "../support/cli.ts";
import { assertMatchesSchema } from "../support/schema.ts";

/** The repository's real traces (fixtures/*.log.gz and fixtures/shared/*.log.gz), counted here. */
const BUNDLED = ["fixtures", "fixtures/shared"].reduce((n, d) => n + readdirSync(new URL(`../../${d}`, import.meta.url)).filter((f) => f.endsWith(".log.gz")).length, 0);

/** Of those, the GICv2 captures (GICD_SGIR writes), which an ICC_SGI1R_EL1 plugin cannot take. */
const GICV2 = ["fixtures", "fixtures/shared"].reduce((n, d) => n + readdirSync(new URL(`../../${d}`, import.meta.url)).filter((f) => f.endsWith(".log.gz") && f.includes("gicv2")).length, 0);

const SEED = 20261203;
const RUNS = 150;
const examples = new URL("../../examples/engines/", import.meta.url);

function builtIn(name: string): PluginEngine {
  const e = engineEntries().find((x) => x.name === name);
  assert.ok(e !== undefined, name);
  return { file: `built-in ${name}`, kind: "js", name, origin: e.description, create: () => e.create() };
}

async function assertPasses(plugin: PluginEngine): Promise<void> {
  const r = await checkEngine(plugin, { seed: SEED, runs: RUNS });
  assert.equal(r.verdict, "pass", `${plugin.name}: ${JSON.stringify(r.counterexample ?? r.vectors.failed[0] ?? null)}`);
  assert.equal(r.property.runs, RUNS);
  assert.ok(r.property.checkedLayouts > 0 && r.property.checkedWrites >= r.property.checkedLayouts);
  assert.ok(r.vectors.passed >= 20, `${plugin.name}: ${String(r.vectors.passed)} vectors`);
  assert.deepEqual(r.vectors.failed, []);
  assert.equal(r.traces.traces.length, BUNDLED, "every bundled real trace is replayed");
  for (const t of r.traces.traces) if ("mismatches" in t) assert.equal(t.mismatches, 0, t.trace);
  for (const t of r.traces.traces) {
    if (t.trace.includes("gicv2")) assert.ok("unsupported" in t && /GICv2 trace/.test(t.unsupported), `${t.trace} is named not applicable`);
    else assert.ok("writes" in t && t.writes > 0, `${t.trace} replayed some writes`);
  }
}

describe("vsgi check passes correct engines", () => {
  for (const name of ["reference", "kvm-linear", "rfc-affskip", "kvm-mpidr-index", "qemu-scan", "vsgi"]) {
    it(`built-in ${name}`, () => assertPasses(builtIn(name)));
  }

  it("built-in xen fails on the Aff2 aliasing the conformance vectors record for Xen", async () => {
    const r = await checkEngine(builtIn("xen"), { seed: SEED, runs: RUNS });
    assert.equal(r.verdict, "counterexample");
    assert.deepEqual(r.vectors.failed.map((f) => f.id).sort(), ["xen-aliases-aff2", "xen-aliases-aff3"]);
    const c = r.counterexample!;
    const w = decodeSgiRegister(c.value, 0, { strict: false });
    const t = loadTopology(c.topology);
    const extra = c.actual.filter((v) => !c.expected.includes(v));
    assert.ok(extra.length > 0 && extra.every((v) => { const a = unpackAffinity(t.affinity[v]!); return a.aff2 !== w.aff2 || a.aff3 !== w.aff3; }));
  });

  it("counts unsupported layouts with the engine's reasons (kvm-linear refuses RSS)", async () => {
    const r = await checkEngine(builtIn("kvm-linear"), { seed: SEED, runs: RUNS });
    assert.equal(r.property.families.rss.checked, 0);
    assert.ok(r.property.families.rss.unsupported > 0);
    assert.equal(r.property.unsupportedLayouts, r.property.unsupportedReasons.reduce((s, u) => s + u.count, 0));
    assert.match(r.property.unsupportedReasons[0]?.reason ?? "", /RSS/);
  });

  for (const file of ["sorted-bsearch.ts", "sorted-bsearch.c"]) {
    it(`example ${file}`, async () => assertPasses(await loadEngineFile(new URL(file, examples).pathname)));
  }

  for (const lang of ["ts", "c"] as const) {
    it(`the init-engine ${lang} template`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "vsgi-template-"));
      const file = join(dir, `mine.${lang}`);
      writeFileSync(file, engineTemplate("mine", lang));
      await assertPasses(await loadEngineFile(file));
    });
  }

  it("the CLI: exit 0, PASS, and --json matching the shipped schema", () => {
    const file = new URL("sorted-bsearch.c", examples).pathname;
    const text = runCli(["check", file, "--seed", "5", "--runs", "40"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^PASS: sorted-bsearch agrees/m);
    assert.match(text.stdout, new RegExp(`real traces \\(fixtures, fixtures/shared\\): ${String(BUNDLED - GICV2)} replayed, ${String(GICV2)} not applicable`));
    const json = runCli(["check", file, "--seed", "5", "--runs", "40", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { schema: string; verdict: string };
    assert.equal(Object.keys(out)[0], "schema");
    assertMatchesSchema("check", out);
    assert.equal(out.verdict, "pass");
  });
});
