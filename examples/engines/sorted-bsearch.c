/*
 * sorted-bsearch — an example C engine (vsgi C engine ABI 1, native/plugin/vsgi_engine.h).
 *
 * prepare() sorts every vCPU's affinity once; each set TargetList bit is then one binary search
 * for Aff3.Aff2.Aff1.(RS*16 + n) in the sorted keys. Cost: about log2(n) + 1 probes per target on
 * any layout (KVM's, QEMU's, sparse or userspace-defined), nothing per write but the probes;
 * IRM = 1 lists every vCPU but the sender (n visits). The kind of lookup the 2023 RFC discussion
 * weighed against an index table: layout-independent, but logarithmic rather than constant.
 *
 *   vsgi check examples/engines/sorted-bsearch.c
 *   vsgi bench --quick --engine examples/engines/sorted-bsearch.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ICC_SGI1R_EL1 (GIC spec IHI 0069 §12.2): TargetList 15:0, Aff1 23:16, Aff2 39:32, IRM 40, RS 47:44, Aff3 55:48. */
#define SGI1R_TARGET_LIST(v) ((uint32_t)((v) & 0xffff))
#define SGI1R_AFF1(v) ((uint32_t)(((v) >> 16) & 0xff))
#define SGI1R_AFF2(v) ((uint32_t)(((v) >> 32) & 0xff))
#define SGI1R_IRM(v) ((uint32_t)(((v) >> 40) & 1))
#define SGI1R_RS(v) ((uint32_t)(((v) >> 44) & 0xf))
#define SGI1R_AFF3(v) ((uint32_t)(((v) >> 48) & 0xff))

/* keys[i] = affinity << 32 | vCPU id, sorted: the id rides along with its affinity. */
static uint64_t *g_keys;
static uint32_t g_count;
static int g_rss;

static int by_key(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int vsgi_engine_prepare(const uint32_t *affinity, uint32_t count, int rss, char *reason) {
  free(g_keys);
  g_keys = malloc((size_t)count * sizeof *g_keys);
  if (g_keys == NULL) {
    strcpy(reason, "out of memory for the sorted affinity table");
    return 1;
  }
  for (uint32_t v = 0; v < count; v++) g_keys[v] = (uint64_t)affinity[v] << 32 | v;
  qsort(g_keys, count, sizeof *g_keys, by_key);
  g_count = count;
  g_rss = rss;
  return 0;
}

uint32_t vsgi_engine_dispatch(uint64_t sgi1r, uint32_t sender, uint32_t *targets, uint32_t *ntargets) {
  uint32_t n = 0, visits = 0;
  if (SGI1R_IRM(sgi1r)) {
    for (uint32_t v = 0; v < g_count; v++)
      if (v != sender) targets[n++] = v;
    *ntargets = n;
    return g_count;
  }
  const uint32_t cluster = SGI1R_AFF3(sgi1r) << 24 | SGI1R_AFF2(sgi1r) << 16 | SGI1R_AFF1(sgi1r) << 8;
  /* Without RSS the RS field is RES0 and counts as 0. */
  const uint32_t base = g_rss ? SGI1R_RS(sgi1r) * 16 : 0;
  for (uint32_t list = SGI1R_TARGET_LIST(sgi1r); list != 0; list &= list - 1) {
    const uint32_t want = cluster | (base + (uint32_t)__builtin_ctz(list));
    uint32_t lo = 0, hi = g_count;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      const uint32_t a = (uint32_t)(g_keys[mid] >> 32);
      visits++;
      if (a == want) {
        targets[n++] = (uint32_t)g_keys[mid];
        break;
      }
      if (a < want) lo = mid + 1;
      else hi = mid;
    }
  }
  *ntargets = n;
  return visits;
}
