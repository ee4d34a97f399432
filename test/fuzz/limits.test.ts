/**
 * Limits a user would expect, each a clear typed error: vCPU counts above the maximum, topology
 * JSON too large, register values negative or too wide, trace senders outside the topology.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRegisterValue } from "../../src/arch/value.ts";
import { parseStressOptions } from "../../src/cli/stress.ts";
import { InvalidValueError, TopologyError, TraceParseError, UsageError } from "../../src/errors.ts";
import { MAX_TOPOLOGY_JSON_BYTES, MAX_VCPUS, parseTopologyJson, presetTopology } from "../../src/topology/index.ts";
import type { TraceEvent } from "../../src/trace/event.ts";
import { FtraceParser } from "../../src/trace/ftrace.ts";
import { JsonlParser } from "../../src/trace/jsonl.ts";
import { QemuLogParser } from "../../src/trace/qemu-log.ts";

describe("limits", () => {
  it("vCPU counts above 4096 are refused by presets, JSON topologies and vsgi stress", () => {
    assert.equal(MAX_VCPUS, 4096);
    assert.throws(() => presetTopology("kvm:4097"), TopologyError);
    assert.equal(presetTopology("kvm:4096").count, 4096);
    const mpidrs = Array.from({ length: 4097 }, (_, i) => `0x${(((i >> 4) << 8) | (i & 15)).toString(16)}`);
    assert.throws(() => parseTopologyJson(JSON.stringify({ mpidrs }), "big.json"), (e: unknown) => e instanceof TopologyError && /4096/.test(e.message));
    assert.throws(() => parseStressOptions({ workers: "8", writes: "1e6", vcpus: "4097", engine: "vsgi", seed: "1" }), (e: unknown) => e instanceof UsageError && /maximum of 4096/.test(e.message));
  });

  it("a topology JSON document over 1 MiB is refused before parsing", () => {
    assert.equal(MAX_TOPOLOGY_JSON_BYTES, 1 << 20);
    const text = `{"mpidrs": ["0x0"], "name": "${" ".repeat(1 << 20)}"}`;
    assert.throws(() => parseTopologyJson(text, "huge.json"), (e: unknown) => e instanceof TopologyError && /limit/.test(e.message));
  });

  it("register values that are negative, wider than the register or not exact numbers are refused", () => {
    assert.throws(() => parseRegisterValue(-1n, 64, "ICC_SGI1R_EL1"), (e: unknown) => e instanceof InvalidValueError && /negative/.test(e.message));
    assert.throws(() => parseRegisterValue(-1, 64, "ICC_SGI1R_EL1"), InvalidValueError);
    assert.throws(() => parseRegisterValue(1n << 64n, 64, "ICC_SGI1R_EL1"), (e: unknown) => e instanceof InvalidValueError && /64 bits/.test(e.message));
    assert.throws(() => parseRegisterValue("0x100000000", 32, "GICD_SGIR"), (e: unknown) => e instanceof InvalidValueError && /32 bits/.test(e.message));
    assert.throws(() => parseRegisterValue(2 ** 53, 64, "ICC_SGI1R_EL1"), (e: unknown) => e instanceof InvalidValueError && /safe integer/.test(e.message));
    assert.throws(() => parseRegisterValue(1.5, 64, "ICC_SGI1R_EL1"), InvalidValueError);
    assert.equal(parseRegisterValue("0xffffffffffffffff", 64, "ICC_SGI1R_EL1"), (1n << 64n) - 1n);
  });

  it("trace senders outside the topology are refused by every importer", () => {
    const two = presetTopology("qemu:2");
    const out: TraceEvent[] = [];
    // JSONL: sender 5 on a 2-vCPU topology.
    assert.throws(() => new JsonlParser("t.jsonl", two).line('{"t":1,"sender":5,"register":"sgi1r","value":"0x1000001"}', 1, out), TraceParseError);
    // ftrace: CPU 3 raising an IPI on a 2-vCPU topology.
    assert.throws(
      () => new FtraceParser("t.trace", two).line("          <idle>-0       [003] d.h1.  1234.567890: ipi_raise: target_mask=00000000,00000001 (Function call interrupts)", 1, out),
      TraceParseError,
    );
    // QEMU: CPU i/f 0x5 (affinity 0.0.0.5) is not a vCPU of qemu:2.
    const q = new QemuLogParser("t.log", two);
    assert.throws(() => {
      q.line("7291@1795570343.089442:gicv3_icc_generate_sgi GICv3 CPU i/f 0x5 generating SGI 1 IRM 0 target affinity 0x0xx targetlist 0x1", 1, out);
      q.end(out);
    }, TraceParseError);
  });
});
