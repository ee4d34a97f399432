// C++ versions of three vsgi engines over the C engine ABI (vsgi_engine.h: prepare/dispatch with
// a target-id array), so `vsgi bench --engine x.c` times a C engine against them in one process,
// compiled with the same flags. Written from src/engines/*.ts (no kernel code):
//   kvm_linear       Linux ≤ 6.6 vgic_v3_dispatch_sgi: scan vCPUs in id order until the
//                    TargetList is used up; unicast to vCPU i visits i + 1; IRM visits n.
//   kvm_mpidr_index  Linux ≥ 6.7: PEXT-compressed affinity index table when ≤ 10 affinity bits
//                    vary (8 + 2·2^bits bytes ≤ 4 KiB), else a linear walk per target; IRM n.
//   vsgi             Aff3.Aff2 → node, node.Aff1 → row of 16 slots (256 with RSS); one slot per
//                    set TargetList bit; IRM ⌈n/32⌉ words (the ids still go to the array here).
// kvm_linear and kvm_mpidr_index refuse RSS layouts, as the TS engines do (KVM ignores RS).
#pragma once
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

namespace builtin {

inline void cluster_of(uint64_t v, uint32_t& aff3, uint32_t& aff2, uint32_t& aff1) {
  aff1 = uint32_t(v >> 16) & 0xff;
  aff2 = uint32_t(v >> 32) & 0xff;
  aff3 = uint32_t(v >> 48) & 0xff;
}
inline bool irm_of(uint64_t v) { return ((v >> 40) & 1) != 0; }
inline uint32_t rs_of(uint64_t v) { return uint32_t(v >> 44) & 0xf; }
inline uint32_t all_but(uint32_t n, uint32_t sender, uint32_t* targets) {
  uint32_t k = 0;
  for (uint32_t v = 0; v < n; v++)
    if (v != sender) targets[k++] = v;
  return k;
}
inline int refuse_rss(int rss, char* reason) {
  if (!rss) return 0;
  std::strcpy(reason, "KVM ignores ICC_SGI1R_EL1.RS and never advertises RSS");
  return 1;
}

namespace kvm_linear {
inline const uint32_t* g_aff;
inline uint32_t g_n;
inline int prepare(const uint32_t* affinity, uint32_t count, int rss, char* reason) {
  g_aff = affinity;
  g_n = count;
  return refuse_rss(rss, reason);
}
inline uint32_t dispatch(uint64_t v, uint32_t sender, uint32_t* targets, uint32_t* ntargets) {
  if (irm_of(v)) {
    *ntargets = all_but(g_n, sender, targets);
    return g_n;
  }
  uint32_t a3, a2, a1;
  cluster_of(v, a3, a2, a1);
  const uint32_t cluster = a3 << 16 | a2 << 8 | a1;
  uint32_t remaining = uint32_t(v) & 0xffff, k = 0, i = 0;
  for (; i < g_n && remaining != 0; i++) {
    const uint32_t a = g_aff[i];
    if ((a >> 8) != cluster) continue;
    const uint32_t aff0 = a & 0xff;
    if (aff0 > 15 || ((remaining >> aff0) & 1) == 0) continue;
    remaining &= ~(1u << aff0);
    targets[k++] = i;
  }
  *ntargets = k;
  return i;
}
}  // namespace kvm_linear

namespace kvm_mpidr_index {
inline const uint32_t* g_aff;
inline uint32_t g_n, g_mask;
inline std::vector<uint16_t> g_table;
inline bool g_has_table;
inline uint32_t compress(uint32_t value, uint32_t mask) {
  uint32_t index = 0, pos = 0;
  for (uint32_t m = mask; m != 0; m &= m - 1, pos++)
    if (value & (m & (0u - m))) index |= 1u << pos;
  return index;
}
inline int prepare(const uint32_t* affinity, uint32_t count, int rss, char* reason) {
  g_aff = affinity;
  g_n = count;
  uint32_t o = 0, a = 0xffffffffu;
  for (uint32_t i = 0; i < count; i++) {
    o |= affinity[i];
    a &= affinity[i];
  }
  g_mask = o ^ a;
  const uint32_t bits = __builtin_popcount(g_mask);
  g_has_table = 8 + 2 * (uint64_t(1) << bits) <= 4096;
  g_table.assign(g_has_table ? size_t(1) << bits : 0, 0);
  if (g_has_table)
    for (uint32_t i = 0; i < count; i++) g_table[compress(affinity[i], g_mask)] = uint16_t(i);
  return refuse_rss(rss, reason);
}
inline uint32_t dispatch(uint64_t v, uint32_t sender, uint32_t* targets, uint32_t* ntargets) {
  if (irm_of(v)) {
    *ntargets = all_but(g_n, sender, targets);
    return g_n;
  }
  uint32_t a3, a2, a1;
  cluster_of(v, a3, a2, a1);
  const uint32_t bits = a3 << 24 | a2 << 16 | a1 << 8;
  uint32_t tl = uint32_t(v) & 0xffff, k = 0, visits = 0;
  while (tl != 0) {
    const uint32_t want = bits | uint32_t(__builtin_ctz(tl));
    tl &= tl - 1;
    if (g_has_table) {
      visits++;
      const uint32_t i = g_table[compress(want, g_mask)];
      if (g_aff[i] == want) targets[k++] = i;
    } else {
      for (uint32_t i = 0; i < g_n; i++) {
        visits++;
        if (g_aff[i] == want) {
          targets[k++] = i;
          break;
        }
      }
    }
  }
  *ntargets = k;
  return visits;
}
}  // namespace kvm_mpidr_index

namespace vsgi {
inline std::vector<int16_t> g_l32;
inline std::vector<int32_t> g_l1, g_slots;
inline uint32_t g_n, g_max_aff3, g_width, g_words;
inline int g_rss;
inline int prepare(const uint32_t* affinity, uint32_t count, int rss, char* reason) {
  (void)reason;
  g_n = count;
  g_rss = rss;
  g_width = rss ? 256 : 16;
  g_words = (count + 31) / 32;
  g_max_aff3 = 0;
  for (uint32_t i = 0; i < count; i++) g_max_aff3 = std::max(g_max_aff3, affinity[i] >> 24);
  g_l32.assign((g_max_aff3 + 1) * 256, -1);
  g_l1.clear();
  std::vector<int32_t> row_of(count);
  int32_t rows = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint32_t i2 = affinity[i] >> 16;
    if (g_l32[i2] < 0) {
      g_l32[i2] = int16_t(g_l1.size() >> 8);
      g_l1.resize(g_l1.size() + 256, -1);
    }
    const uint32_t i1 = uint32_t(g_l32[i2]) << 8 | ((affinity[i] >> 8) & 0xff);
    if (g_l1[i1] < 0) g_l1[i1] = rows++;
    row_of[i] = g_l1[i1];
  }
  g_slots.assign(size_t(rows) * g_width + 16, -1);
  for (uint32_t i = 0; i < count; i++) g_slots[size_t(row_of[i]) * g_width + (affinity[i] & 0xff)] = int32_t(i);
  return 0;
}
inline uint32_t dispatch(uint64_t v, uint32_t sender, uint32_t* targets, uint32_t* ntargets) {
  *ntargets = 0;
  if (irm_of(v)) {
    *ntargets = all_but(g_n, sender, targets);
    return g_words;
  }
  uint32_t a3, a2, a1;
  cluster_of(v, a3, a2, a1);
  if (a3 > g_max_aff3) return 0;
  const int32_t node = g_l32[a3 << 8 | a2];
  if (node < 0) return 0;
  const int32_t row = g_l1[uint32_t(node) << 8 | a1];
  if (row < 0) return 0;
  const int32_t* base = g_slots.data() + size_t(row) * g_width + (g_rss ? rs_of(v) << 4 : 0);
  uint32_t tl = uint32_t(v) & 0xffff, k = 0, visits = 0;
  while (tl != 0) {
    const int32_t t = base[__builtin_ctz(tl)];
    tl &= tl - 1;
    visits++;
    if (t >= 0) targets[k++] = uint32_t(t);
  }
  *ntargets = k;
  return visits;
}
}  // namespace vsgi

}  // namespace builtin
