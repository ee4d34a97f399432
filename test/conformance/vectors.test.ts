/**
 * Conformance vectors (conformance/vectors.json, shipped in the package): SGI cases from kvm-unit-tests arm/gic.c and micro-bench,
 * the GIC architecture's rules, KVM's choices and Xen's real behaviour, each with its citation.
 * Every GICv3 write is routed on every engine (prepareEngines/routeOnEngines); engines that
 * cannot serve a layout are listed as skipped with their reason. Every vector also runs through
 * VirtualGic (state, kicks, acknowledges), with each engine that serves it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { z } from "zod";
import { decodeSgiRegister, parseSgiRegisterName, sgiWriteToJson } from "../../src/arch/sgi-register.ts";
import { ENGINE_NAMES, type EngineName, prepareEngines, RecordingSink, routeOnEngines } from "../../src/engines/index.ts";
import { VirtualGic } from "../../src/gic.ts";
import { SGI_COUNT } from "../../src/state/layout.ts";
import { loadTopology, parseTopologyJson } from "../../src/topology/index.ts";
import type { Topology } from "../../src/topology/topology.ts";

const Write = z.strictObject({
  sender: z.number().int().min(0),
  register: z.enum(["sgi1r", "sgi0r", "asgi1r", "gicd-sgir"]),
  value: z.string().regex(/^0x[0-9a-f]+$/),
  fields: z.record(z.string(), z.number().int()).optional(),
});
const Vector = z.strictObject({
  id: z.string(),
  source: z.enum(["kvm-unit-tests", "architecture", "kvm", "xen"]),
  citation: z.string().min(20),
  topology: z.union([z.string(), z.strictObject({ name: z.string(), rss: z.boolean(), mpidrs: z.array(z.string()) })]),
  gicVersion: z.union([z.literal(2), z.literal(3)]).optional(),
  delivery: z.enum(["list-registers", "gicv4.1"]).optional(),
  lenient: z.boolean().optional(),
  /** GICv4.1: vCPUs whose vPE is not resident when the writes happen. */
  nonResident: z.array(z.number().int()).optional(),
  config: z.array(z.strictObject({ vcpu: z.number().int(), intid: z.number().int(), group: z.union([z.literal(0), z.literal(1)]).optional(), priority: z.number().int().optional() })).optional(),
  writes: z.array(Write).min(1),
  targets: z.array(z.array(z.number().int())).optional(),
  pending: z.record(z.string(), z.array(z.number().int())).optional(),
  kicks: z.number().int().optional(),
  doorbells: z.number().int().optional(),
  /** Acknowledge steps: acknowledge(vcpu) must return `value`; then EOI (true: the value returned, a number: that INTID) and a write. */
  acks: z.array(z.strictObject({ vcpu: z.number().int(), value: z.number().int(), eoi: z.union([z.boolean(), z.number().int()]).optional(), write: Write.optional() })).optional(),
  acksAnyOrder: z.boolean().optional(),
  engines: z.record(z.string(), z.strictObject({ targets: z.array(z.array(z.number().int())), why: z.string() })).optional(),
});
const File = z.strictObject({ about: z.string(), sources: z.record(z.string(), z.string()), vectors: z.array(Vector).min(1) });
type Vector = z.infer<typeof Vector>;

const file = File.parse(JSON.parse(readFileSync(new URL("../../conformance/vectors.json", import.meta.url), "utf8")));

function topologyOf(v: Vector): Topology {
  return typeof v.topology === "string" ? loadTopology(v.topology) : parseTopologyJson(JSON.stringify(v.topology), `${v.id}.topology`);
}

/** The pending state as INTID → ascending vCPUs (INTIDs with nobody pending left out). */
function pendingOf(gic: VirtualGic): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (let intid = 0; intid < SGI_COUNT; intid++) {
    const vs: number[] = [];
    for (let v = 0; v < gic.topology.count; v++) if (gic.isPending(v, intid)) vs.push(v);
    if (vs.length > 0) out[String(intid)] = vs;
  }
  return out;
}

const skipped: string[] = [];
const ran = new Map<EngineName | "VirtualGic", number>();
const count = (k: EngineName | "VirtualGic"): void => {
  ran.set(k, (ran.get(k) ?? 0) + 1);
};

function write(gic: VirtualGic, w: z.infer<typeof Write>): void {
  if (w.register === "gicd-sgir") gic.writeGicdSgir(w.sender, w.value);
  else if (w.register === "sgi1r") gic.writeSgi1r(w.sender, w.value);
  else if (w.register === "sgi0r") gic.writeSgi0r(w.sender, w.value);
  else gic.writeAsgi1r(w.sender, w.value);
}

/** Runs the vector's writes through a fresh VirtualGic on `engine` and checks state, kicks, acks. */
function checkVirtualGic(v: Vector, topology: Topology, engine: EngineName): void {
  const gic = new VirtualGic({
    topology,
    engine,
    strict: v.lenient !== true,
    gicVersion: v.gicVersion ?? 3,
    ...(v.delivery !== undefined ? { delivery: v.delivery } : {}),
  });
  for (const c of v.config ?? []) {
    gic.configureSgi(c.vcpu, c.intid, { ...(c.group !== undefined ? { group: c.group } : {}), ...(c.priority !== undefined ? { priority: c.priority } : {}) });
  }
  for (const vcpu of v.nonResident ?? []) gic.setResident(vcpu, false);
  for (const w of v.writes) write(gic, w);
  const label = `${v.id} on VirtualGic(${engine})`;
  if (v.pending !== undefined) {
    const want: Record<string, number[]> = {};
    for (const [k, vs] of Object.entries(v.pending)) if (vs.length > 0) want[k] = [...vs].sort((a, b) => a - b);
    assert.deepEqual(pendingOf(gic), want, `${label}: pending`);
  }
  if (v.kicks !== undefined) assert.equal(gic.state.kicks, v.kicks, `${label}: kicks`);
  if (v.doorbells !== undefined) assert.equal(gic.doorbells, v.doorbells, `${label}: doorbells`);
  if (v.acks !== undefined) {
    const got = v.acks.map((a) => {
      const value = gic.acknowledge(a.vcpu);
      if (a.eoi !== undefined && a.eoi !== false) assert.equal(gic.eoi(a.vcpu, a.eoi === true ? value : a.eoi), true, `${label}: EOI`);
      if (a.write !== undefined) write(gic, a.write);
      return { vcpu: a.vcpu, value };
    });
    const expected = v.acks.map((a) => ({ vcpu: a.vcpu, value: a.value }));
    const norm = (xs: { vcpu: number; value: number }[]) => (v.acksAnyOrder === true ? [...xs].sort((a, b) => a.vcpu - b.vcpu || a.value - b.value) : xs);
    assert.deepEqual(norm(got), norm(expected), `${label}: acknowledges`);
  }
}

describe("conformance vectors", () => {
  for (const v of file.vectors) {
    it(`${v.id} [${v.source}]`, (t) => {
      const topology = topologyOf(v);
      const gicv2 = (v.gicVersion ?? 3) === 2;
      assert.equal(v.writes.every((w) => (w.register === "gicd-sgir") === gicv2), true, "GICD_SGIR writes exactly on GICv2 vectors");
      if (!gicv2) {
        assert.ok(v.targets !== undefined && v.targets.length === v.writes.length || v.targets === undefined, "one target list per write");
        const prepared = prepareEngines(topology);
        const sink = new RecordingSink(topology.count);
        v.writes.forEach((w, i) => {
          const write = decodeSgiRegister(w.value, parseSgiRegisterName(w.register), { strict: v.lenient !== true });
          // The hand-written value must encode the fields the citation describes.
          if (w.fields !== undefined) {
            const decoded: Record<string, number | string> = sgiWriteToJson(write);
            for (const [k, x] of Object.entries(w.fields)) assert.equal(decoded[k], x, `${v.id} write ${String(i)}: field ${k}`);
          }
          const results = routeOnEngines(prepared, write, w.sender, sink);
          for (const name of ENGINE_NAMES) {
            const r = results.get(name)!;
            if ("unsupported" in r) {
              if (i === 0) {
                skipped.push(`${v.id}: ${name} skipped — ${r.unsupported}`);
                t.diagnostic(`${name} skipped: ${r.unsupported}`);
              }
              continue;
            }
            const own = v.engines?.[name];
            const want = own?.targets[i] ?? v.targets?.[i];
            if (want === undefined) continue;
            assert.deepEqual(r.targets, [...want].sort((a, b) => a - b), `${v.id} write ${String(i)} on ${name}${own !== undefined ? ` (${own.why})` : ""}`);
            assert.equal(r.duplicates, 0, `${v.id} on ${name}: no vCPU reached twice`);
            if (i === v.writes.length - 1) count(name);
          }
        });
        for (const { engine, support } of prepared) {
          if (!support.supported || v.engines?.[engine.name] !== undefined) continue;
          checkVirtualGic(v, topology, engine.name);
        }
      } else {
        for (const name of ENGINE_NAMES) skipped.push(`${v.id}: ${name} skipped — GICD_SGIR is a GICv2 distributor write; the engines dispatch GICv3 ICC_SGI*R_EL1 writes`);
        checkVirtualGic(v, topology, "vsgi");
      }
      count("VirtualGic");
    });
  }

  it("covers each source and every engine", () => {
    const bySource = new Map<string, number>();
    for (const v of file.vectors) bySource.set(v.source, (bySource.get(v.source) ?? 0) + 1);
    for (const s of Object.keys(file.sources)) assert.ok((bySource.get(s) ?? 0) > 0, `no vector from ${s}`);
    for (const name of ENGINE_NAMES) assert.ok((ran.get(name) ?? 0) >= 10, `${name} ran only ${String(ran.get(name) ?? 0)} vectors`);
  });

  after(() => {
    const bySource = new Map<string, number>();
    for (const v of file.vectors) bySource.set(v.source, (bySource.get(v.source) ?? 0) + 1);
    process.stdout.write(
      `# conformance: ${String(file.vectors.length)} vectors (${[...bySource].map(([s, n]) => `${s} ${String(n)}`).join(", ")}); ` +
        `passed per engine: ${[...ran].map(([e, n]) => `${e} ${String(n)}`).join(", ")}; ${String(skipped.length)} engine skips\n`,
    );
  });
});
