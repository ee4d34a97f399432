/**
 * `vsgi init-engine <name> --lang ts|c`: a commented starting point in each language — a correct
 * linear scan (`vsgi check` passes it) to replace with one's own algorithm.
 */

/** Languages `init-engine` writes. */
export const TEMPLATE_LANGUAGES = ["ts", "c"] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

function tsTemplate(name: string): string {
  return `/**
 * ${name} — a vsgi dispatch engine (plugin contract 1): which vCPUs one ICC_SGI1R_EL1 write reaches.
 *
 * This starting point is a linear scan: correct on every layout, n visits per write. Replace
 * dispatch() (and the tables prepare() builds) with your algorithm, then:
 *   vsgi check ${name}.ts                    differential test against the reference, shrunk counterexample
 *   vsgi bench --quick --engine ${name}.ts   visits and ns per write beside KVM's and vsgi's engines
 * The rule (GIC spec IHI 0069 §12.2): IRM = 1 reaches every vCPU but the sender; otherwise bit n of
 * TargetList reaches the vCPU with affinity Aff3.Aff2.Aff1.(RS*16 + n) — RS counts only when the VM
 * advertises RSS (topology.rss); without RSS it is RES0 and treated as 0.
 */

// The contract's shapes, declared here so this file needs nothing installed to type-check.
interface Topology {
  readonly name: string;
  readonly count: number;
  /** Range Selector Support: Aff0 may exceed 15 and RS selects a group of 16. */
  readonly rss: boolean;
  /** affinity[i] = Aff3<<24 | Aff2<<16 | Aff1<<8 | Aff0 of vCPU i. */
  readonly affinity: Uint32Array;
}
interface SgiWrite {
  readonly intid: number;
  readonly aff3: number;
  readonly aff2: number;
  readonly aff1: number;
  readonly targetList: number;
  readonly rs: number;
  readonly irm: number;
}
interface DeliverySink {
  deliver(vcpu: number, w: SgiWrite): void;
  deliverAllBut(sender: number, w: SgiWrite): void;
}
type Support = { readonly supported: true } | { readonly supported: false; readonly reason: string };

export default class Engine {
  readonly name = ${JSON.stringify(name)};
  readonly origin = "Linear scan over every vCPU; n visits per write.";
  readonly contract = 1;
  #affinity: Uint32Array = new Uint32Array(0);
  #rss = false;

  /** Called once per layout before any dispatch: build tables here, never per write. */
  prepare(topology: Topology): Support {
    this.#affinity = topology.affinity;
    this.#rss = topology.rss;
    return { supported: true };
  }

  /** Delivers the write to each target once; returns the vCPU records or table slots examined. */
  dispatch(w: SgiWrite, sender: number, sink: DeliverySink): number {
    const affinity = this.#affinity;
    const n = affinity.length;
    if (w.irm === 1) {
      sink.deliverAllBut(sender, w);
      return n;
    }
    const cluster = ((w.aff3 << 16) | (w.aff2 << 8) | w.aff1) >>> 0;
    const base = this.#rss ? w.rs * 16 : 0;
    for (let v = 0; v < n; v++) {
      const a = affinity[v]!;
      if (a >>> 8 !== cluster) continue;
      const bit = (a & 0xff) - base;
      if (bit >= 0 && bit < 16 && ((w.targetList >>> bit) & 1) === 1) sink.deliver(v, w);
    }
    return n;
  }
}
`;
}

function cTemplate(name: string): string {
  return `/*
 * ${name} — a vsgi C dispatch engine (C engine ABI 1: vsgi's native/plugin/vsgi_engine.h, which
 * vsgi force-includes when it compiles this file, so the two signatures below are checked).
 *
 * This starting point is a linear scan: correct on every layout, n visits per write. Replace
 * vsgi_engine_dispatch (and the tables vsgi_engine_prepare builds) with your algorithm, then:
 *   vsgi check ${name}.c                    differential test against the reference, shrunk counterexample
 *   vsgi bench --quick --engine ${name}.c   timed in one native process beside C++ kvm-linear,
 *                                           kvm-mpidr-index and vsgi over this same ABI
 * The rule (GIC spec IHI 0069 §12.2): IRM = 1 reaches every vCPU but the sender; otherwise bit n of
 * TargetList reaches the vCPU with affinity Aff3.Aff2.Aff1.(RS*16 + n) — RS counts only when the VM
 * advertises RSS; without RSS it is RES0 and treated as 0. RES0 bits of the write are ignored.
 */
#include <stdint.h>

/* ICC_SGI1R_EL1 fields: TargetList 15:0, Aff1 23:16, INTID 27:24, Aff2 39:32, IRM 40, RS 47:44, Aff3 55:48. */
#define SGI1R_TARGET_LIST(v) ((uint32_t)((v) & 0xffff))
#define SGI1R_AFF1(v) ((uint32_t)(((v) >> 16) & 0xff))
#define SGI1R_AFF2(v) ((uint32_t)(((v) >> 32) & 0xff))
#define SGI1R_IRM(v) ((uint32_t)(((v) >> 40) & 1))
#define SGI1R_RS(v) ((uint32_t)(((v) >> 44) & 0xf))
#define SGI1R_AFF3(v) ((uint32_t)(((v) >> 48) & 0xff))

static const uint32_t *g_affinity; /* vsgi keeps it valid until the next prepare */
static uint32_t g_count;
static int g_rss;

/* Called once per layout before any dispatch: build tables here, never per write. */
int vsgi_engine_prepare(const uint32_t *affinity, uint32_t count, int rss, char *reason) {
  (void)reason; /* to refuse a layout: write why (< 256 bytes) into reason and return 1 */
  g_affinity = affinity;
  g_count = count;
  g_rss = rss;
  return 0;
}

uint32_t vsgi_engine_dispatch(uint64_t sgi1r, uint32_t sender, uint32_t *targets, uint32_t *ntargets) {
  uint32_t n = 0;
  if (SGI1R_IRM(sgi1r)) {
    for (uint32_t v = 0; v < g_count; v++)
      if (v != sender) targets[n++] = v;
    *ntargets = n;
    return g_count;
  }
  const uint32_t cluster = SGI1R_AFF3(sgi1r) << 16 | SGI1R_AFF2(sgi1r) << 8 | SGI1R_AFF1(sgi1r);
  const uint32_t list = SGI1R_TARGET_LIST(sgi1r);
  const uint32_t base = g_rss ? SGI1R_RS(sgi1r) * 16 : 0;
  for (uint32_t v = 0; v < g_count; v++) {
    const uint32_t a = g_affinity[v];
    if ((a >> 8) != cluster) continue;
    const uint32_t aff0 = a & 0xff;
    if (aff0 >= base && aff0 - base < 16 && ((list >> (aff0 - base)) & 1)) targets[n++] = v;
  }
  *ntargets = n;
  return g_count;
}
`;
}

/** The template text of an engine called `name` in `lang`. */
export function engineTemplate(name: string, lang: TemplateLanguage): string {
  return lang === "ts" ? tsTemplate(name) : cTemplate(name);
}
