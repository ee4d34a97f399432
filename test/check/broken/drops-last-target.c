/* BROKEN ON PURPOSE (test/check/broken-variants.test.ts): the last target of a multi-target write is dropped. */
/*
 * drops-last-target — a vsgi C dispatch engine (C engine ABI 1: vsgi's native/plugin/vsgi_engine.h, which
 * vsgi force-includes when it compiles this file, so the two signatures below are checked).
 *
 * This starting point is a linear scan: correct on every layout, n visits per write. Replace
 * vsgi_engine_dispatch (and the tables vsgi_engine_prepare builds) with your algorithm, then:
 *   vsgi check drops-last-target.c                    differential test against the reference, shrunk counterexample
 *   vsgi bench --quick --engine drops-last-target.c   timed in one native process beside C++ kvm-linear,
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
  *ntargets = n > 1 ? n - 1 : n;
  return g_count;
}
