/**
 * The report's peer statements: the sources table and the "Where the peers differ" matrix carry
 * every peer, every rule and a citation per cell; figures past a peer's limit are labelled as
 * projections wherever the page shows them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHTML } from "linkedom";
import { MATRIX_ROWS, PEER_IDS, PEERS } from "../../src/engines/peers.ts";
import { renderReport } from "../../src/report/page.ts";
import { sampleResults } from "./sample.ts";

const doc = (): Document => parseHTML(renderReport(sampleResults(), { js: "" })).document as unknown as Document;

describe("report: the peers", () => {
  it("has a sources table with each peer's files, functions and versions, and its limit", () => {
    const section = doc().querySelector("#peers")!;
    const text = section.textContent ?? "";
    for (const id of PEER_IDS) for (const s of PEERS[id].sources) assert.ok(text.includes(s.fn), `${id}: ${s.fn}`);
    assert.match(text, /128 \(GICv3\) \/ 8 \(GICv2\)/);
    assert.match(text, /xen\/arch\/arm\/vgic\.c/);
  });

  it("has the 'Where the peers differ' matrix: one row per rule, one column per peer plus the architecture, a citation in every cell", () => {
    const tables = [...doc().querySelectorAll("#peers table")];
    const matrix = tables[1]!;
    const heads = [...matrix.querySelectorAll("thead th")].map((th) => th.textContent);
    assert.deepEqual(heads, ["rule", "architecture (IHI 0069 / IHI 0048)", ...PEER_IDS.filter((id) => id !== "architecture")]);
    const rows = [...matrix.querySelectorAll("tbody tr")];
    assert.deepEqual(rows.map((r) => r.querySelector("th")?.textContent), [...MATRIX_ROWS]);
    for (const r of rows) for (const td of r.querySelectorAll("td")) assert.ok((td.querySelector(".cite")?.textContent ?? "").length > 10, "a citation per cell");
    assert.match(matrix.textContent ?? "", /QEMU|gicv3_redist_send_sgi/);
  });

  it("labels figures past a peer's limit as projections (xen at 512 vCPUs)", () => {
    const headline = doc().querySelector("#headline")!.textContent ?? "";
    assert.match(headline, /beyond Xen's limit of 128 \(projection\)/);
    assert.doesNotMatch(headline, /beyond KVM's limit/, "512 vCPUs is within KVM's limit");
    assert.match(doc().querySelector("#visits")!.textContent ?? "", /KVM creates at most 512 vCPUs/);
  });
});
