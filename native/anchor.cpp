// vsgi native anchor — the kvm-linear and vsgi dispatch algorithms and the floor in C++, run on
// the very writes the JS benchmark times, so the report can state how far JS is from native.
//
// Written from the algorithms' descriptions in SPEC.md §5 (no kernel code): kvm-linear scans
// vCPUs in id order until the TargetList is used up; vsgi mirrors src/engines/vsgi.ts: flat
// directories from Aff3.Aff2 and Aff1 to a row of 16 vCPU slots, one slot per unicast, one masked
// word operation per multi-target write where the row's ids are contiguous in a word (else the
// row's precomputed word groups for a whole-row list, else one slot per set bit); IRM marks 32
// vCPUs per word operation. The SGI state mirrors src/state/sgi-state.ts: per-INTID pending
// bitmaps over vCPUs, the Group 0 filter and the delivered/coalesced/kick counters.
//
// Input: a little-endian file written by src/bench/native.ts (layout in writeNativeInput).
// Output: one JSON object per (workload, algorithm) per line on stdout.
//
// Build: g++ -O2 -std=c++17 anchor.cpp -o anchor
#include <algorithm>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Write {
  uint32_t intid, aff3, aff2, aff1, target_list, rs, irm, reg;
};

// ICC_SGI1R_EL1 fields from the uint32 halves (hi = bits 63:32), as decodeSgiInto does.
inline void decode(Write& w, uint32_t hi, uint32_t lo, uint32_t reg) {
  w.target_list = lo & 0xffff;
  w.aff1 = (lo >> 16) & 0xff;
  w.intid = (lo >> 24) & 0xf;
  w.aff2 = hi & 0xff;
  w.irm = (hi >> 8) & 1;
  w.rs = (hi >> 12) & 0xf;
  w.aff3 = (hi >> 16) & 0xff;
  w.reg = reg;
}

struct State {
  uint32_t n = 0, words = 0, last_mask = 0;
  std::vector<uint32_t> pending, group0;
  uint64_t delivered = 0, coalesced = 0, kicks = 0, group_filtered = 0;

  explicit State(uint32_t count) : n(count), words((count + 31) / 32) {
    pending.assign(16 * words, 0);
    group0.assign(16 * words, 0);
    last_mask = count % 32 == 0 ? 0xffffffffu : (1u << (count % 32)) - 1;
  }

  inline void deliver(uint32_t v, const Write& w) {
    const uint32_t i = w.intid * words + (v >> 5);
    const uint32_t bit = 1u << (v & 31);
    if (w.reg != 0 && (group0[i] & bit) == 0) {
      group_filtered++;
      return;
    }
    const uint32_t old = pending[i];
    delivered++;
    if (old & bit) {
      coalesced++;
      return;
    }
    pending[i] = old | bit;
    kicks++;
  }

  // Every vCPU word*32 + b for the set bits b of mask, as deliver() per bit would.
  inline void deliver_word(uint32_t word, uint32_t mask, const Write& w) {
    const uint32_t i = w.intid * words + word;
    uint32_t m = mask;
    if (w.reg != 0) {
      const uint32_t g = m & group0[i];
      group_filtered += __builtin_popcount(m & ~g);
      m = g;
      if (m == 0) return;
    }
    const uint32_t old = pending[i];
    pending[i] = old | m;
    const uint32_t total = __builtin_popcount(m);
    const uint32_t fresh = __builtin_popcount(m & ~old);
    delivered += total;
    kicks += fresh;
    coalesced += total - fresh;
  }

  inline void deliver_all_but(uint32_t sender, const Write& w) {
    const uint32_t base = w.intid * words;
    if (w.reg == 0) {
      // Group 1 (as src/state/sgi-state.ts): every real vCPU but the sender is delivered; only
      // the coalesced count needs the old words.
      uint64_t c = 0;
      for (uint32_t k = 0; k < words; k++) {
        uint32_t mask = k == words - 1 ? last_mask : 0xffffffffu;
        if (k == (sender >> 5)) mask &= ~(1u << (sender & 31));
        const uint32_t old = pending[base + k];
        const uint32_t both = old & mask;
        if (both != 0) c += __builtin_popcount(both);
        pending[base + k] = old | mask;
      }
      const uint64_t total = sender < n ? n - 1 : n;
      delivered += total;
      coalesced += c;
      kicks += total - c;
      return;
    }
    for (uint32_t k = 0; k < words; k++) {
      uint32_t mask = k == words - 1 ? last_mask : 0xffffffffu;
      if (k == (sender >> 5)) mask &= ~(1u << (sender & 31));
      const uint32_t m = mask & group0[base + k];
      group_filtered += __builtin_popcount(mask & ~m);
      mask = m;
      const uint32_t old = pending[base + k];
      pending[base + k] = old | mask;
      delivered += __builtin_popcount(mask);
      coalesced += __builtin_popcount(mask & old);
      kicks += __builtin_popcount(mask & ~old);
    }
  }
};

struct KvmLinear {
  std::vector<uint32_t> affinity;

  inline uint32_t dispatch(const Write& w, uint32_t sender, State& s) const {
    const uint32_t n = affinity.size();
    if (w.irm) {
      for (uint32_t v = 0; v < n; v++)
        if (v != sender) s.deliver(v, w);
      return n;
    }
    const uint32_t cluster = (w.aff3 << 16) | (w.aff2 << 8) | w.aff1;
    uint32_t remaining = w.target_list;
    uint32_t v = 0;
    for (; v < n && remaining != 0; v++) {
      const uint32_t a = affinity[v];
      if ((a >> 8) != cluster) continue;
      const uint32_t aff0 = a & 0xff;
      if (aff0 > 15 || ((remaining >> aff0) & 1) == 0) continue;
      remaining &= ~(1u << aff0);
      s.deliver(v, w);
    }
    return v;
  }
};

struct Vsgi {
  // The same tables as src/engines/vsgi.ts: (Aff3 << 8 | Aff2) -> level-1 node, (node << 8 | Aff1)
  // -> row of 16 slots, a flat path when one node holds every vCPU, and per-row word tables.
  std::vector<int16_t> l32;
  std::vector<int32_t> l1, slots;
  uint32_t max_aff3 = 0, words = 0;
  int32_t flat_key = -1;
  std::vector<uint16_t> present;
  std::vector<int32_t> sub_word;
  std::vector<uint8_t> sub_shift;
  std::vector<uint32_t> group_start;
  std::vector<uint32_t> group_word, group_mask;

  explicit Vsgi(const std::vector<uint32_t>& affinity) {
    for (uint32_t a : affinity) max_aff3 = std::max(max_aff3, a >> 24);
    l32.assign((max_aff3 + 1) * 256, -1);
    std::vector<int32_t> row_of(affinity.size());
    int32_t rows = 0;
    for (size_t v = 0; v < affinity.size(); v++) {
      const uint32_t a = affinity[v];
      const uint32_t i2 = a >> 16;
      if (l32[i2] < 0) {
        l32[i2] = int16_t(l1.size() >> 8);
        l1.resize(l1.size() + 256, -1);
      }
      const uint32_t i1 = (uint32_t(l32[i2]) << 8) | ((a >> 8) & 0xff);
      if (l1[i1] < 0) l1[i1] = rows++;
      row_of[v] = l1[i1];
    }
    slots.assign(size_t(rows) * 16, -1);
    for (size_t v = 0; v < affinity.size(); v++) slots[row_of[v] * 16 + (affinity[v] & 0xf)] = int32_t(v);
    words = (affinity.size() + 31) / 32;
    if (l1.size() == 256 && !affinity.empty()) flat_key = int32_t(affinity[0] >> 16);
    present.assign(rows, 0);
    sub_word.assign(rows, -1);
    sub_shift.assign(rows, 0);
    group_start.assign(rows + 1, 0);
    for (int32_t j = 0; j < rows; j++) {
      group_start[j] = group_word.size();
      int64_t offset = -1;
      bool contiguous = true;
      int64_t last_word = -1;
      for (uint32_t b = 0; b < 16; b++) {
        const int32_t v = slots[j * 16 + b];
        if (v < 0) continue;
        present[j] |= uint16_t(1u << b);
        if (offset == -1) offset = int64_t(v) - b;
        if (int64_t(v) - b != offset || offset < 0 || (offset & 31) + b > 31 || (offset >> 5) != (v >> 5)) contiguous = false;
        const uint32_t word = uint32_t(v) >> 5;
        if (int64_t(word) == last_word && group_word.size() > group_start[j]) {
          group_mask.back() |= 1u << (v & 31);
        } else {
          group_word.push_back(word);
          group_mask.push_back(1u << (v & 31));
          last_word = word;
        }
      }
      if (contiguous && offset >= 0) {
        sub_word[j] = int32_t(offset >> 5);
        sub_shift[j] = uint8_t(offset & 31);
      }
    }
    group_start[rows] = group_word.size();
  }

  inline uint32_t dispatch(const Write& w, uint32_t sender, State& s) const {
    if (w.irm) {
      s.deliver_all_but(sender, w);
      return words;
    }
    int32_t row;
    if (int32_t((w.aff3 << 8) | w.aff2) == flat_key) {
      row = l1[w.aff1];
    } else {
      if (w.aff3 > max_aff3) return 0;
      const int32_t node = l32[(w.aff3 << 8) | w.aff2];
      if (node < 0) return 0;
      row = l1[(uint32_t(node) << 8) | w.aff1];
    }
    if (row < 0) return 0;
    uint32_t tl = w.target_list;
    if ((tl & (tl - 1)) == 0) {
      if (tl == 0) return 0;
      const int32_t v = slots[row * 16 + __builtin_ctz(tl)];
      if (v >= 0) s.deliver(uint32_t(v), w);
      return 1;
    }
    const uint32_t p = present[row];
    if (sub_word[row] >= 0) {
      const uint32_t m = tl & p;
      if (m != 0) s.deliver_word(uint32_t(sub_word[row]), m << sub_shift[row], w);
      return __builtin_popcount(tl);
    }
    if ((tl & p) == p) {
      for (uint32_t g = group_start[row]; g < group_start[row + 1]; g++) s.deliver_word(group_word[g], group_mask[g], w);
      return __builtin_popcount(tl);
    }
    const int32_t* base = slots.data() + row * 16;
    uint32_t visits = 0;
    while (tl != 0) {
      const int32_t v = base[__builtin_ctz(tl)];
      tl &= tl - 1;
      visits++;
      if (v >= 0) s.deliver(uint32_t(v), w);
    }
    return visits;
  }
};

struct Batch {
  std::string name;
  uint32_t count = 0;
  std::vector<uint32_t> hi, lo, sender, reg, start, list;
};

struct Reader {
  FILE* f;
  uint32_t u32() {
    uint32_t v;
    if (std::fread(&v, 4, 1, f) != 1) {
      std::fprintf(stderr, "anchor: truncated input\n");
      std::exit(2);
    }
    return v;
  }
  std::vector<uint32_t> vec(size_t n) {
    std::vector<uint32_t> v(n);
    if (n > 0 && std::fread(v.data(), 4, n, f) != n) {
      std::fprintf(stderr, "anchor: truncated input\n");
      std::exit(2);
    }
    return v;
  }
};

// Runs `reps` passes of algorithm `algo` (0 floor, 1 kvm-linear, 2 vsgi) over the batch.
uint64_t pass(int algo, const Batch& b, State& s, const KvmLinear& lin, const Vsgi& vs, uint32_t reps) {
  uint64_t visits = 0;
  Write w{};
  for (uint32_t r = 0; r < reps; r++) {
    std::fill(s.pending.begin(), s.pending.end(), 0);
    for (uint32_t i = 0; i < b.count; i++) {
      decode(w, b.hi[i], b.lo[i], b.reg[i]);
      if (algo == 1) {
        visits += lin.dispatch(w, b.sender[i], s);
      } else if (algo == 2) {
        visits += vs.dispatch(w, b.sender[i], s);
      } else {
        const uint32_t base = w.intid * s.words;
        if (w.irm) {
          const uint32_t snd = b.sender[i];
          for (uint32_t v = 0; v < s.n; v++)
            if (v != snd) s.pending[base + (v >> 5)] |= 1u << (v & 31);
        } else {
          for (uint32_t j = b.start[i]; j < b.start[i + 1]; j++) {
            const uint32_t v = b.list[j];
            s.pending[base + (v >> 5)] |= 1u << (v & 31);
          }
        }
      }
    }
  }
  return visits;
}

// Process CPU time, as the JS side measures: time spent descheduled on a busy machine does not count.
double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

double time_pass(int algo, const Batch& b, State& s, const KvmLinear& lin, const Vsgi& vs, uint32_t reps) {
  const double t0 = cpu_ns();
  pass(algo, b, s, lin, vs, reps);
  return cpu_ns() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: anchor <input.bin>\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr) {
    std::perror(argv[1]);
    return 2;
  }
  Reader in{f};
  if (in.u32() != 0x42475356u || in.u32() != 1) {
    std::fprintf(stderr, "anchor: not a vsgi bench input (version 1)\n");
    return 2;
  }
  const uint32_t n = in.u32();
  in.u32();  // rss: both algorithms here are the non-RSS forms; the JS side never sends RSS layouts
  KvmLinear lin{in.vec(n)};
  Vsgi vs(lin.affinity);
  const uint32_t rounds = in.u32();
  const double pass_ns = double(in.u32()) * 1000.0;
  const uint32_t workloads = in.u32();
  State s(n);
  uint64_t checksum = 0;
  static const char* const kNames[] = {"floor", "kvm-linear", "vsgi"};
  for (uint32_t k = 0; k < workloads; k++) {
    Batch b;
    const uint32_t len = in.u32();
    std::vector<uint32_t> name = in.vec((len + 3) / 4);
    b.name.assign(reinterpret_cast<const char*>(name.data()), len);
    b.count = in.u32();
    b.hi = in.vec(b.count);
    b.lo = in.vec(b.count);
    b.sender = in.vec(b.count);
    b.reg = in.vec(b.count);
    b.start = in.vec(b.count + 1);
    b.list = in.vec(in.u32());
    uint64_t visits[3];
    uint32_t reps[3];
    for (int a = 0; a < 3; a++) {
      visits[a] = pass(a, b, s, lin, vs, 1);
      const double one = time_pass(a, b, s, lin, vs, 1);
      const double r = pass_ns / (one > 1 ? one : 1);
      reps[a] = r < 1 ? 1 : uint32_t(r + 0.5);
    }
    std::vector<double> samples[3];
    for (uint32_t r = 0; r < rounds; r++) {
      for (int j = 0; j < 3; j++) {
        const int a = int((j + r) % 3);
        samples[a].push_back(time_pass(a, b, s, lin, vs, reps[a]) / (double(reps[a]) * b.count));
      }
    }
    for (uint32_t i = 0; i < s.pending.size(); i++) checksum += s.pending[i] * (i + 1);
    for (int a = 0; a < 3; a++) {
      std::printf("{\"workload\":\"%s\",\"algorithm\":\"%s\",\"visits\":%llu,\"reps\":%u,\"ns\":[", b.name.c_str(), kNames[a],
                  static_cast<unsigned long long>(visits[a]), reps[a]);
      for (size_t i = 0; i < samples[a].size(); i++) std::printf("%s%.4f", i == 0 ? "" : ",", samples[a][i]);
      std::printf("]}\n");
    }
  }
  std::fclose(f);
  // Printing the counters keeps every pending update observable, so nothing is optimised away.
  std::printf("{\"checksum\":%llu,\"kicks\":%llu}\n", static_cast<unsigned long long>(checksum + s.delivered),
              static_cast<unsigned long long>(s.kicks));
  return 0;
}
