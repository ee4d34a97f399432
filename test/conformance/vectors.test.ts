/**
 * Conformance vectors (conformance/vectors.json, shipped in the package): SGI cases from
 * kvm-unit-tests arm/gic.c and micro-bench, the GIC architecture, and each peer's own behaviour
 * (KVM per version, the RFC, QEMU, Xen), each with its citation (file, function, version).
 * Every GICv3 write is routed on every engine; every vector (GICv3 and GICv2) also runs through
 * VirtualGic on every engine, which behaves as that engine's peer — `peers.<engine>` states where
 * a peer's outcome differs from the architecture's. An engine is skipped only when its peer cannot
 * run the VM at all (a layout it cannot express, RS it ignores, a size past its limit); the test
 * fails on any other skip.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { z } from "zod";
import { decodeSgiRegister, parseSgiRegisterName, sgiWriteToJson } from "../../src/arch/sgi-register.ts";
import { ENGINE_NAMES, type EngineName, KvmMpidrIndexEngine, prepareEngines, RecordingSink, routeOnEngines } from "../../src/engines/index.ts";
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
const PeerExpectation = z.strictObject({
  /** Where this peer's outcome comes from: file, function, version. */
  why: z.string().min(20),
  pending: z.record(z.string(), z.array(z.number().int())).optional(),
  kicks: z.number().int().optional(),
  exception: z.enum(["undefined-instruction", "data-abort"]).optional(),
  acks: z.array(z.strictObject({ vcpu: z.number().int(), value: z.number().int(), eoi: z.union([z.boolean(), z.number().int()]).optional() })).optional(),
});
const Vector = z.strictObject({
  id: z.string(),
  source: z.enum(["kvm-unit-tests", "architecture", "kvm", "rfc", "qemu", "xen"]),
  citation: z.string().min(20),
  topology: z.union([z.string(), z.strictObject({ name: z.string(), rss: z.boolean(), userspace: z.boolean().optional(), mpidrs: z.array(z.string()) })]),
  /** vCPUs powered off (PSCI) before the writes. */
  offline: z.array(z.number().int()).optional(),
  /** Exact visits per engine, one per write. */
  visits: z.record(z.string(), z.array(z.number().int())).optional(),
  /** KVM ≥ 6.7 configured by version and host page size. */
  kvmIndex: z.array(z.strictObject({ version: z.enum(["6.7", "6.10"]), pageSize: z.union([z.literal(4096), z.literal(16384), z.literal(65536)]), hasTable: z.boolean(), targets: z.array(z.array(z.number().int())), visits: z.array(z.number().int()), why: z.string() })).optional(),
  /** Engines whose peer cannot run this VM, with a pattern of the reason. */
  refused: z.record(z.string(), z.string()).optional(),
  /** VirtualGic on this engine behaves as its peer, which differs here from `pending`/`kicks`/`acks`. */
  peers: z.record(z.string(), PeerExpectation).optional(),
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

/** Runs the vector's writes through a fresh VirtualGic on `engine` (as its peer) and checks state, kicks, acks. */
function checkVirtualGic(v: Vector, topology: Topology, engine: EngineName): void {
  const peer = v.peers?.[engine];
  const want = { pending: peer?.pending ?? v.pending, kicks: peer?.pending !== undefined ? peer.kicks : (peer?.kicks ?? v.kicks), acks: peer?.acks ?? (peer?.pending !== undefined ? undefined : v.acks) };
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
  for (const vcpu of v.offline ?? []) gic.setOnline(vcpu, false);
  for (const w of v.writes) write(gic, w);
  const label = `${v.id} on VirtualGic(${engine})${peer !== undefined ? ` as ${gic.peer.id} (${peer.why})` : ""}`;
  assert.equal(gic.lastException, peer?.exception ?? null, `${label}: guest exception`);
  if (want.pending !== undefined) {
    const pending: Record<string, number[]> = {};
    for (const [k, vs] of Object.entries(want.pending)) if (vs.length > 0) pending[k] = [...vs].sort((a, b) => a - b);
    assert.deepEqual(pendingOf(gic), pending, `${label}: pending`);
  }
  if (want.kicks !== undefined) assert.equal(gic.state.kicks, want.kicks, `${label}: kicks`);
  if (v.doorbells !== undefined) assert.equal(gic.doorbells, v.doorbells, `${label}: doorbells`);
  if (want.acks !== undefined) {
    const acks = want.acks;
    const got = acks.map((a) => {
      const value = gic.acknowledge(a.vcpu);
      if (a.eoi !== undefined && a.eoi !== false) assert.equal(gic.eoi(a.vcpu, a.eoi === true ? value : a.eoi), true, `${label}: EOI`);
      if ("write" in a && a.write !== undefined) write(gic, a.write);
      return { vcpu: a.vcpu, value };
    });
    const expected = acks.map((a) => ({ vcpu: a.vcpu, value: a.value }));
    const norm = (xs: { vcpu: number; value: number }[]) => (v.acksAnyOrder === true ? [...xs].sort((a, b) => a.vcpu - b.vcpu || a.value - b.value) : xs);
    assert.deepEqual(norm(got), norm(expected), `${label}: acknowledges`);
  }
}

/** Reasons an engine may skip a vector: its peer cannot run that VM at all. */
const LEGITIMATE_SKIP = /cannot express|would mis-deliver|ignores ICC_SGI1R_EL1\.RS|beyond .*limit of/;

function skip(v: Vector, name: EngineName, reason: string, t: { diagnostic(m: string): void }): void {
  const refused = v.refused?.[name];
  if (refused !== undefined) assert.match(reason, new RegExp(refused), `${v.id}: ${name} refused`);
  assert.match(reason, LEGITIMATE_SKIP, `${v.id}: ${name} skipped for a reason a peer model could remove: ${reason}`);
  skipped.push(`${v.id}: ${name} — ${reason}`);
  t.diagnostic(`${name} skipped: ${reason}`);
}

describe("conformance vectors", () => {
  for (const v of file.vectors) {
    it(`${v.id} [${v.source}]`, (t) => {
      const topology = topologyOf(v);
      const gicv2 = (v.gicVersion ?? 3) === 2;
      assert.equal(v.writes.every((w) => (w.register === "gicd-sgir") === gicv2), true, "GICD_SGIR writes exactly on GICv2 vectors");
      const prepared = prepareEngines(topology);
      for (const name of Object.keys(v.refused ?? {})) {
        const s = prepared.find((p) => p.engine.name === name)!.support;
        assert.ok(!s.supported || s.projection !== undefined, `${v.id}: ${name} must be refused`);
      }
      if (!gicv2) {
        assert.ok(v.targets !== undefined && v.targets.length === v.writes.length || v.targets === undefined, "one target list per write");
        const sink = new RecordingSink(topology.count);
        v.writes.forEach((w, i) => {
          const write = decodeSgiRegister(w.value, parseSgiRegisterName(w.register), { strict: v.lenient !== true });
          // The hand-written value must encode the fields the citation describes.
          if (w.fields !== undefined) {
            const decoded: Record<string, number | string> = sgiWriteToJson(write);
            for (const [k, x] of Object.entries(w.fields)) assert.equal(decoded[k], x, `${v.id} write ${String(i)}: field ${k}`);
          }
          const results = routeOnEngines(prepared, write, w.sender, sink);
          for (const { engine, support } of prepared) {
            const name = engine.name;
            const r = results.get(name)!;
            if ("unsupported" in r) {
              if (i === 0) skip(v, name, r.unsupported, t);
              continue;
            }
            if (support.supported && support.projection !== undefined && i === 0) skip(v, name, support.projection, t);
            const own = v.engines?.[name];
            const want = own?.targets[i] ?? v.targets?.[i];
            const visits = v.visits?.[name]?.[i];
            if (visits !== undefined) assert.equal(r.visits, visits, `${v.id} write ${String(i)}: visits on ${name}`);
            if (want === undefined) continue;
            assert.deepEqual(r.targets, [...want].sort((a, b) => a - b), `${v.id} write ${String(i)} on ${name}${own !== undefined ? ` (${own.why})` : ""}`);
            assert.equal(r.duplicates, 0, `${v.id} on ${name}: no vCPU reached twice`);
            if (i === v.writes.length - 1 && (!support.supported || support.projection === undefined)) count(name);
          }
        });
        for (const k of v.kvmIndex ?? []) {
          const e = new KvmMpidrIndexEngine({ version: k.version, pageSize: k.pageSize });
          assert.equal(e.prepare(topology).supported, true, `${v.id}: kvm-${k.version} prepares`);
          assert.equal(e.hasTable, k.hasTable, `${v.id}: kvm-${k.version} at ${String(k.pageSize)} bytes: table (${k.why})`);
          v.writes.forEach((w, i) => {
            sink.clear();
            const visits = e.dispatch(decodeSgiRegister(w.value, parseSgiRegisterName(w.register), { strict: false }), w.sender, sink);
            assert.deepEqual([sink.sorted(), visits], [k.targets[i], k.visits[i]], `${v.id} write ${String(i)}: kvm-${k.version}, ${String(k.pageSize)}-byte pages (${k.why})`);
          });
        }
      }
      for (const { engine, support } of prepared) {
        if (!support.supported) {
          if (gicv2) skip(v, engine.name, support.reason, t);
          continue;
        }
        if (support.projection !== undefined) {
          // The peer cannot create this VM: VirtualGic refuses rather than pretend.
          assert.throws(() => new VirtualGic({ topology, engine: engine.name, gicVersion: v.gicVersion ?? 3 }), /beyond .*limit of/, `${v.id}: VirtualGic(${engine.name}) refuses`);
          if (gicv2) skip(v, engine.name, support.projection, t);
          continue;
        }
        checkVirtualGic(v, topology, engine.name);
        if (gicv2) count(engine.name);
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
