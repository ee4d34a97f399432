// vsgi native plugin bench — C engines (the C engine ABI, vsgi_engine.h) timed in one process
// beside C++ kvm-linear, kvm-mpidr-index and vsgi over the same ABI (builtin-engines.hpp), all
// compiled with the same optimisation flags, on the same writes. Each pass dispatches every write
// and marks its targets pending in per-INTID bitmaps (identical code for every engine); the floor
// marks the reference targets without any lookup. Engines are interleaved round by round and timed
// in process CPU time. Every engine's targets are checked against the architecture's rule first.
//
// Input: a little-endian file from src/check/native-bench.ts (layout in writeBenchInput).
// Output: JSON lines: {"support":…} per engine, then per (workload, engine) visits and ns samples.
// The plugin table (kPlugins) comes from a generated file that names each engine's renamed symbols.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>
#include "builtin-engines.hpp"
#include "vsgi_engine.h"

struct EngineEntry {
  const char* name;
  int (*prepare)(const uint32_t*, uint32_t, int, char*);
  uint32_t (*dispatch)(uint64_t, uint32_t, uint32_t*, uint32_t*);
};
extern const EngineEntry kPlugins[];
extern const unsigned kPluginCount;

namespace {

struct Reader {
  FILE* f;
  uint32_t u32() {
    uint32_t v;
    if (std::fread(&v, 4, 1, f) != 1) {
      std::fprintf(stderr, "plugin bench: truncated input\n");
      std::exit(2);
    }
    return v;
  }
  std::vector<uint32_t> vec(size_t n) {
    std::vector<uint32_t> v(n);
    if (n > 0 && std::fread(v.data(), 4, n, f) != n) {
      std::fprintf(stderr, "plugin bench: truncated input\n");
      std::exit(2);
    }
    return v;
  }
};

struct Batch {
  std::string name;
  uint32_t count = 0;
  std::vector<uint64_t> value;
  std::vector<uint32_t> sender;
  std::vector<uint32_t> start, list;  // reference targets of write i: list[start[i] .. start[i+1])
};

// The architecture's rule (IHI 0069 §12.2), as src/engines/reference.ts states it.
bool reaches(const std::vector<uint32_t>& aff, int rss, uint32_t v, uint64_t w, uint32_t sender) {
  if ((w >> 40) & 1) return v != sender;
  const uint32_t cluster = uint32_t((w >> 48) & 0xff) << 16 | uint32_t((w >> 32) & 0xff) << 8 | uint32_t((w >> 16) & 0xff);
  if ((aff[v] >> 8) != cluster) return false;
  const int n = int(aff[v] & 0xff) - (rss ? int((w >> 44) & 0xf) * 16 : 0);
  return n >= 0 && n < 16 && ((w >> n) & 1);
}

double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

struct Bench {
  uint32_t n, words;
  std::vector<uint32_t> pending, targets;
  uint64_t sink = 0;

  // One pass of engine e (nullptr: the floor) over b; returns visits.
  uint64_t pass(const EngineEntry* e, const Batch& b) {
    uint64_t visits = 0;
    uint32_t nt = 0;
    for (uint32_t i = 0; i < b.count; i++) {
      const uint64_t w = b.value[i];
      const uint32_t* t;
      if (e != nullptr) {
        visits += e->dispatch(w, b.sender[i], targets.data(), &nt);
        t = targets.data();
      } else {
        t = b.list.data() + b.start[i];
        nt = b.start[i + 1] - b.start[i];
      }
      uint32_t* row = pending.data() + uint32_t((w >> 24) & 0xf) * words;
      for (uint32_t k = 0; k < nt; k++) row[t[k] >> 5] |= 1u << (t[k] & 31);
    }
    return visits;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: plugin-bench <input.bin>\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr) {
    std::perror(argv[1]);
    return 2;
  }
  Reader in{f};
  if (in.u32() != 0x50475356u || in.u32() != 1) {
    std::fprintf(stderr, "plugin bench: not a vsgi plugin bench input (version 1)\n");
    return 2;
  }
  const uint32_t n = in.u32();
  const int rss = int(in.u32());
  const std::vector<uint32_t> aff = in.vec(n);
  const uint32_t rounds = in.u32();
  const double pass_ns = double(in.u32()) * 1000.0;
  const uint32_t workloads = in.u32();

  std::vector<EngineEntry> engines = {{"kvm-linear", builtin::kvm_linear::prepare, builtin::kvm_linear::dispatch},
                                      {"kvm-mpidr-index", builtin::kvm_mpidr_index::prepare, builtin::kvm_mpidr_index::dispatch},
                                      {"vsgi", builtin::vsgi::prepare, builtin::vsgi::dispatch}};
  for (unsigned i = 0; i < kPluginCount; i++) engines.push_back(kPlugins[i]);
  Bench bench{n, (n + 31) / 32, {}, std::vector<uint32_t>(n), 0};
  bench.pending.assign(16 * bench.words, 0);

  std::vector<Batch> batches(workloads);
  for (Batch& b : batches) {
    const uint32_t len = in.u32();
    std::vector<uint32_t> name = in.vec((len + 3) / 4);
    b.name.assign(reinterpret_cast<const char*>(name.data()), len);
    b.count = in.u32();
    const std::vector<uint32_t> hi = in.vec(b.count), lo = in.vec(b.count);
    b.sender = in.vec(b.count);
    b.value.resize(b.count);
    b.start.push_back(0);
    for (uint32_t i = 0; i < b.count; i++) {
      b.value[i] = uint64_t(hi[i]) << 32 | lo[i];
      for (uint32_t v = 0; v < n; v++)
        if (reaches(aff, rss, v, b.value[i], b.sender[i])) b.list.push_back(v);
      b.start.push_back(uint32_t(b.list.size()));
    }
  }
  std::fclose(f);

  // Engines keep global state, so each is prepared right before its own passes.
  std::vector<bool> supported(engines.size());
  for (size_t e = 0; e < engines.size(); e++) {
    char reason[VSGI_ENGINE_REASON_BYTES] = {0};
    supported[e] = engines[e].prepare(aff.data(), n, rss, reason) == 0;
    reason[VSGI_ENGINE_REASON_BYTES - 1] = 0;
    std::printf("{\"support\":{\"engine\":\"%s\",\"supported\":%s,\"reason\":\"", engines[e].name, supported[e] ? "true" : "false");
    for (const char* c = reason; *c; c++) std::printf(*c == '"' || *c == '\\' ? "\\%c" : (unsigned char)*c < 0x20 ? " " : "%c", *c);
    std::printf("\"}}\n");
  }
  for (const Batch& b : batches) {
    // Slot 0 is the floor; slot e + 1 engine e.
    const size_t m = engines.size() + 1;
    std::vector<uint64_t> visits(m, 0), mismatches(m, 0);
    std::vector<uint32_t> reps(m, 1);
    std::vector<std::vector<double>> samples(m);
    for (size_t s = 0; s < m; s++) {
      const EngineEntry* e = s == 0 ? nullptr : &engines[s - 1];
      if (e != nullptr && !supported[s - 1]) continue;
      if (e != nullptr) {
        char reason[VSGI_ENGINE_REASON_BYTES];
        e->prepare(aff.data(), n, rss, reason);
        uint32_t nt = 0;
        for (uint32_t i = 0; i < b.count; i++) {
          e->dispatch(b.value[i], b.sender[i], bench.targets.data(), &nt);
          std::vector<bool> hit(n, false);
          bool ok = nt == b.start[i + 1] - b.start[i];
          for (uint32_t k = 0; k < nt && ok; k++) {
            const uint32_t t = bench.targets[k];
            ok = t < n && !hit[t] && reaches(aff, rss, t, b.value[i], b.sender[i]);
            if (ok) hit[t] = true;
          }
          if (!ok) mismatches[s]++;
        }
      }
      visits[s] = bench.pass(e, b);
      const double t0 = cpu_ns();
      bench.pass(e, b);
      const double one = cpu_ns() - t0;
      const double r = pass_ns / (one > 1 ? one : 1);
      reps[s] = r < 1 ? 1 : uint32_t(r + 0.5);
    }
    for (uint32_t round = 0; round < rounds; round++) {
      for (size_t j = 0; j < m; j++) {
        const size_t s = (j + round) % m;
        const EngineEntry* e = s == 0 ? nullptr : &engines[s - 1];
        if (e != nullptr && !supported[s - 1]) continue;
        if (e != nullptr) {
          char reason[VSGI_ENGINE_REASON_BYTES];
          e->prepare(aff.data(), n, rss, reason);
        }
        const double t0 = cpu_ns();
        for (uint32_t r = 0; r < reps[s]; r++) bench.pass(e, b);
        samples[s].push_back((cpu_ns() - t0) / (double(reps[s]) * b.count));
      }
    }
    for (size_t s = 0; s < m; s++) {
      if (s > 0 && !supported[s - 1]) continue;
      std::printf("{\"workload\":\"%s\",\"engine\":\"%s\",\"writes\":%u,\"visits\":%llu,\"mismatches\":%llu,\"reps\":%u,\"ns\":[", b.name.c_str(),
                  s == 0 ? "floor" : engines[s - 1].name, b.count, static_cast<unsigned long long>(visits[s]), static_cast<unsigned long long>(mismatches[s]), reps[s]);
      for (size_t i = 0; i < samples[s].size(); i++) std::printf("%s%.4f", i == 0 ? "" : ",", samples[s][i]);
      std::printf("]}\n");
    }
  }
  uint64_t checksum = 0;
  for (size_t i = 0; i < bench.pending.size(); i++) checksum += uint64_t(bench.pending[i]) * (i + 1);
  // Printing the bitmaps' checksum keeps every pending update observable, so nothing is optimised away.
  std::printf("{\"checksum\":%llu}\n", static_cast<unsigned long long>(checksum));
  return 0;
}
