/**
 * The peers: what vsgi read of each hypervisor (file, function, version), what each engine
 * reproduces, and "Where the peers differ" — one row per rule, one column per peer plus the
 * architecture, each cell the behaviour with its citation. Every statement comes from PEERS
 * (src/engines/peers.ts), the same table the engines, route and VirtualGic follow.
 */
import { MATRIX_ROWS, PEER_IDS, PEERS, projectionLabel } from "../../engines/peers.ts";
import { esc } from "../format.ts";
import { table } from "../markup.ts";

/** What the engine reproduces, and what it does not. */
const REPRODUCES: Readonly<Record<string, string>> = {
  architecture: "vsgi and the reference: the architecture's targets on any layout (RSS included), SGI0R/ASGI1R to Group 0 only, GICv2 per-source pending.",
  "kvm-6.6": "kvm-linear: the walk with early exit and bit clearing (exact visits), KVM's group rule, no power check, filter 3 ignored, lowest of duplicate MPIDRs, 512-vCPU limit.",
  "rfc-v2": "rfc-affskip: the early return, the kvm_get_vcpu_by_id walk on a missing id and the break (exact visits), on KVM's default layout only.",
  "kvm-6.7": "kvm-mpidr-index with version 6.7: the compressed index by host page size, NULL after one slot on a miss, highest duplicate with a table, no table for 1 vCPU.",
  "kvm-6.10+": "kvm-mpidr-index (default): as 6.7, but a miss walks every vCPU (counted).",
  "qemu-7.2+": "qemu-scan: the scan of every CPU, every duplicate reached, SGI1R dropped at Group 0 targets, filter 3 to every CPU, 512-vCPU virt limit.",
  "xen-4.x": "xen: id arithmetic from Aff1 (Aff2/Aff3 alias), offline targets skipped, SGI0R/ASGI1R UNDEF, RAZ/WI groups, filter 3 data abort, GICv2 source 0, 128-vCPU limit.",
};

/** The "sources" table and the "Where the peers differ" matrix. */
export function peersSection(): string {
  const sources = PEER_IDS.map((id) => {
    const p = PEERS[id];
    return [
      `${esc(id)}<br><span class="dim">${esc(p.title)}</span>`,
      p.sources.map((s) => `<code>${esc(s.file)}</code> ${esc(s.fn)} <span class="dim">(${esc(s.version)})</span>`).join("<br>"),
      esc(REPRODUCES[id] ?? ""),
      id === "architecture"
        ? `no fixed limit (32 affinity bits; vsgi supports ${String(p.maxVcpus.gicv3)}) / ${String(p.maxVcpus.gicv2)} (GICv2)`
        : `${String(p.maxVcpus.gicv3)} (GICv3) / ${String(p.maxVcpus.gicv2)} (GICv2)`,
    ];
  });
  const matrix = MATRIX_ROWS.map((row) => [esc(row), ...PEER_IDS.map((id) => `${esc(PEERS[id].cells[row].text)}<br><span class="dim cite">${esc(PEERS[id].cells[row].cite)}</span>`)]);
  const example = projectionLabel(PEERS["kvm-6.6"], 1024) ?? "";
  return `<section id="peers"><h2>The peers: sources read and where they differ</h2>
<p>Each engine models one peer, version by version, for everything the peer decides: the lookup, the group rules, GICD_SGIR's reserved filter, offline targets, limits and refusals. VirtualGic on an engine behaves as its peer; vsgi's own engine follows the architecture. A VM larger than a peer can create is never presented as a run of that peer: its figures are labelled "${esc(example)}".</p>
${table("Sources read (file, function, version) and what each engine reproduces", ["peer", "read", "reproduced by", "max vCPUs"], sources, "prose")}
${table("Where the peers differ (each cell: behaviour, then where it was read)", ["rule", ...PEER_IDS.map((id) => (id === "architecture" ? "architecture (IHI 0069 / IHI 0048)" : esc(id)))], matrix, "prose matrix-wide")}
</section>`;
}
