#pragma once

// The timing main of the agent benchmark's measurement (bench/agent/measure.sh): a pool's
// driver.cpp includes one kernel text (the original or a variant, named by KEVOLVE_BENCH_KERNEL),
// fills its inputs from a fixed seed, runs it once, and either writes its output (the original:
// the reference) or compares it with the reference; then it times the kernel and prints the
// median of the runs as one JSON line on stdout. Exit codes: 0 ok, 3 wrong result (the first
// mismatch on stderr), 2 usage or I/O error.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace agent_bench {

inline void fill(std::vector<float>& data, float low, float high, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(low, high);
  for (float& x : data) x = value(rng);
}

struct Output {
  const char* name;
  const std::vector<float>* data;
  double absolute, relative;  // the tolerance: |x - ref| <= absolute + relative * |ref|
};

inline bool write_reference(const char* path, const Output& out) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  bool ok = std::fwrite(out.data->data(), sizeof(float), out.data->size(), f) == out.data->size();
  return std::fclose(f) == 0 && ok;
}

// 0 when `out` matches the reference in `path`, 3 with the first mismatch on stderr.
inline int check_reference(const char* path, const Output& out) {
  std::vector<float> ref(out.data->size());
  std::FILE* f = std::fopen(path, "rb");
  if (!f || std::fread(ref.data(), sizeof(float), ref.size(), f) != ref.size()) {
    std::fprintf(stderr, "cannot read the reference %s\n", path);
    if (f) std::fclose(f);
    return 2;
  }
  std::fclose(f);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    float x = (*out.data)[i];
    if (std::isfinite(x) &&
        std::fabs(x - ref[i]) <= out.absolute + out.relative * std::fabs(ref[i]))
      continue;
    std::fprintf(stderr,
                 "wrong result: %s[%zu] = %.7g, the original gives %.7g (tolerance %g + %g * "
                 "|expected|)\n",
                 out.name, i, static_cast<double>(x), static_cast<double>(ref[i]), out.absolute,
                 out.relative);
    return 3;
  }
  return 0;
}

// argv: --write REF | --check REF, then the number of timed runs.
inline int drive(int argc, char** argv, const std::function<void()>& kernel, const Output& out) {
  if (argc != 4 || (std::strcmp(argv[1], "--write") != 0 && std::strcmp(argv[1], "--check") != 0)) {
    std::fprintf(stderr, "usage: %s --write|--check REFERENCE RUNS\n", argv[0]);
    return 2;
  }
  kernel();
  if (std::strcmp(argv[1], "--write") == 0) {
    if (!write_reference(argv[2], out)) {
      std::fprintf(stderr, "cannot write the reference %s\n", argv[2]);
      return 2;
    }
  } else if (int status = check_reference(argv[2], out); status != 0) {
    return status;
  }
  int runs = std::max(1, std::atoi(argv[3]));
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    kernel();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  std::printf("{\"median_s\": %.9g, \"min_s\": %.9g, \"runs\": %d}\n", times[times.size() / 2],
              times.front(), runs);
  return 0;
}

}  // namespace agent_bench
