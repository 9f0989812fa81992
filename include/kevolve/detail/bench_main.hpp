// The generated main of a candidate (docs/design.md §4): runs the unit's harness in one of the
// protocol's modes and prints one result line, "kevolve-result: {json}", on stdout.
//
//   candidate describe
//   candidate verify    --seed S --out DIR [--size name=value ...]   outputs to DIR/<name>.bin
//   candidate reference --seed S --out DIR [--size name=value ...]   the harness's reference
//   candidate time      [--reps R] [--min-time S] [--warmup W] [--size name=value ...]
//
// CPU timing uses Google Benchmark with manual per-iteration times: before every iteration
// inouts are restored and outputs poisoned, untimed; each repetition's mean time per iteration
// is one sample. GPU timing (KEVOLVE_BENCH_GPU) times each repetition alone with events, after
// restoring inouts, poisoning outputs, flushing the L2 cache and a device-wide synchronize; a
// fixed number of warm-up runs comes first. Either way the tuner gets all samples and their
// median.
#pragma once

#include <kevolve/bench.hpp>

#if defined(KEVOLVE_BENCH_GPU)
#if defined(__CUDACC__) && __has_include(<nvtx3/nvToolsExt.h>)
#include <nvtx3/nvToolsExt.h>  // header-only: marks the measured region for Nsight Compute
#define KEVOLVE_RANGE_PUSH(name) nvtxRangePushA(name)
#define KEVOLVE_RANGE_POP() nvtxRangePop()
#else
#define KEVOLVE_RANGE_PUSH(name) ((void)0)
#define KEVOLVE_RANGE_POP() ((void)0)
#endif
#else
#include <benchmark/benchmark.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace kevolve::detail {

inline std::string json_escape(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

inline void print_result(const std::string& json) {
  std::fflush(stdout);
  std::printf("\nkevolve-result: %s\n", json.c_str());
  std::fflush(stdout);
}

inline std::string problem_json(const Bench& b) {
  std::string out = "{";
  for (const auto& [name, value] : b.problem()) {
    out += (out.size() > 1 ? "," : "") + json_escape(name) + ":" + std::to_string(value);
  }
  return out + "}";
}

inline const char* role_name(Role r) {
  return r == Role::input ? "input" : r == Role::output ? "output" : "inout";
}

inline std::string describe_json(Bench& b) {
  std::string sizes = "{";
  for (const auto& [name, values] : b.sizes()) {
    sizes += (sizes.size() > 1 ? "," : "") + json_escape(name) + ":[";
    for (std::size_t i = 0; i < values.size(); ++i)
      sizes += (i ? "," : "") + std::to_string(values[i]);
    sizes += "]";
  }
  sizes += "}";
  std::string buffers = "[";
  for (const Buffer& buf : b.buffers()) {
    buffers += (buffers.size() > 1 ? "," : "") + std::string("{\"name\":") + json_escape(buf.name) +
               ",\"type\":" + json_escape(buf.type) + ",\"role\":\"" + role_name(buf.role) +
               "\",\"count\":" + std::to_string(buf.count) + "}";
  }
  buffers += "]";
  std::string tolerances = "{";
  for (const auto& [name, t] : b.tolerances()) {
    tolerances += (tolerances.size() > 1 ? "," : "") + json_escape(name) + ":[" +
                  json_number(t.first) + "," + json_number(t.second) + "]";
  }
  tolerances += "}";
  return "{\"protocol\":1,\"mode\":\"describe\",\"status\":\"ok\",\"sizes\":" + sizes +
         ",\"problem\":" + problem_json(b) + ",\"buffers\":" + buffers +
         ",\"traffic\":" + json_number(b.traffic()) + ",\"work\":" + json_number(b.work()) +
         ",\"tolerances\":" + tolerances +
         ",\"has_reference\":" + (b.has_reference() ? "true" : "false") + "}";
}

inline std::string status_json(const char* mode, const std::string& status,
                               const std::string& message) {
  return std::string("{\"protocol\":1,\"mode\":\"") + mode +
         "\",\"status\":" + json_escape(status) + ",\"message\":" + json_escape(message) + "}";
}

inline std::string input_modified(const char* mode, const Buffer& buffer) {
  return status_json(mode, "input_modified", "the run wrote to input '" + buffer.name + "'");
}

inline bool write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

inline std::string verify(Bench& b, const std::string& out_dir, bool reference) {
  const char* mode = reference ? "reference" : "verify";
  const auto& fn = reference && b.has_reference() ? b.reference_function() : b.function();
  b.prepare();
  if (reference) {
    // The tuner checks that the reference changed its inouts; it needs them as they were.
    for (const Buffer& buf : b.buffers()) {
      if (buf.role != Role::inout) continue;
      std::string path = out_dir + "/" + buf.name + ".initial.bin";
      if (!write_file(path, buf.contents(buf.initial))) {
        return status_json(mode, "error", "cannot write " + path);
      }
    }
  }
  auto start = std::chrono::steady_clock::now();
  fn();
#if defined(KEVOLVE_BENCH_GPU)
  gpu::check_run("the run");
#endif
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (const Buffer* changed = b.modified_input()) return input_modified(mode, *changed);
  for (const Buffer& buf : b.buffers()) {
    if (buf.role == Role::input) continue;
    std::string path = out_dir + "/" + buf.name + ".bin";
    if (!write_file(path, buf.contents(buf.storage))) {
      return status_json(mode, "error", "cannot write " + path);
    }
  }
  return std::string("{\"protocol\":1,\"mode\":\"") + mode +
         "\",\"status\":\"ok\",\"seconds\":" + json_number(seconds) +
         ",\"problem\":" + problem_json(b) + "}";
}

inline std::string time_json(std::vector<double> samples, long long iterations, const Bench& b) {
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  std::size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  std::string list = "[";
  for (std::size_t i = 0; i < samples.size(); ++i) list += (i ? "," : "") + json_number(samples[i]);
  list += "]";
  return "{\"protocol\":1,\"mode\":\"time\",\"status\":\"ok\",\"median_s\":" + json_number(median) +
         ",\"min_s\":" + json_number(sorted.front()) + ",\"max_s\":" + json_number(sorted.back()) +
         ",\"samples\":" + list + ",\"iterations\":" + std::to_string(iterations) +
         ",\"problem\":" + problem_json(b) + "}";
}

#if defined(KEVOLVE_BENCH_GPU)

// Evicts the measured buffers from the L2 cache by writing a buffer larger than it, and drops
// any persisting-L2 window a previous run left, so that every repetition starts cold.
class CacheFlusher {
 public:
  CacheFlusher() {
    int device = 0, l2 = 0;
    gpu::check(KEVOLVE_GPU(GetDevice)(&device), "reading the device");
#if defined(__HIPCC__)
    gpu::check(hipDeviceGetAttribute(&l2, hipDeviceAttributeL2CacheSize, device), "reading L2");
#else
    gpu::check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device), "reading L2");
#endif
    m_bytes = 2 * static_cast<std::size_t>(l2 > 0 ? l2 : (64 << 20));
    m_scratch = Allocation(m_bytes);
  }
  void flush(int round) {
#if !defined(__HIPCC__)
    gpu::check(cudaCtxResetPersistingL2Cache(), "resetting the persisting L2 cache");
#endif
    gpu::check(KEVOLVE_GPU(Memset)(m_scratch.data, round & 0xFF, m_bytes), "flushing the L2 cache");
  }

 private:
  std::size_t m_bytes = 0;
  Allocation m_scratch;
};

inline std::string time(Bench& b, int reps, double /*min_time*/, int warmup) {
  const auto& fn = b.function();
  gpu::Stream stream = b.stream();
  b.prepare();
  for (int i = 0; i < warmup; ++i) {
    b.reset();
    fn();
    gpu::check_run("a warm-up run");
  }
  CacheFlusher flusher;
  gpu::Event start = nullptr, stop = nullptr;
  gpu::check(KEVOLVE_GPU(EventCreate)(&start), "creating an event");
  gpu::check(KEVOLVE_GPU(EventCreate)(&stop), "creating an event");
  std::vector<double> samples;
  try {
    for (int r = 0; r < reps; ++r) {
      b.reset();
      flusher.flush(r);
      gpu::check(KEVOLVE_GPU(DeviceSynchronize)(), "synchronizing before a run");
      gpu::check(KEVOLVE_GPU(EventRecord)(start, stream), "recording an event");
      KEVOLVE_RANGE_PUSH("kevolve_run");
      fn();
      KEVOLVE_RANGE_POP();
      gpu::check(KEVOLVE_GPU(EventRecord)(stop, stream), "recording an event");
      gpu::check_run("a timed run");
      float ms = 0;
      gpu::check(KEVOLVE_GPU(EventElapsedTime)(&ms, start, stop), "reading an event");
      samples.push_back(static_cast<double>(ms) * 1e-3);
    }
  } catch (...) {
    (void)KEVOLVE_GPU(EventDestroy)(start);
    (void)KEVOLVE_GPU(EventDestroy)(stop);
    throw;
  }
  (void)KEVOLVE_GPU(EventDestroy)(start);
  (void)KEVOLVE_GPU(EventDestroy)(stop);
  if (const Buffer* changed = b.modified_input()) return input_modified("time", *changed);
  if (samples.empty()) return status_json("time", "error", "no repetition was asked for");
  return time_json(std::move(samples), 1, b);
}

#else

class SampleReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      if (r.error_occurred) error = r.error_message;
      samples.push_back(r.GetAdjustedRealTime());
      iterations = static_cast<long long>(r.iterations);
    }
  }
  std::vector<double> samples;
  long long iterations = 0;
  std::string error;
};

// Iterations of one repetition when the untimed reset before each call (outputs poisoned,
// inouts restored) costs more than the call itself: then they are chosen from the whole
// iteration's cost, so that a repetition takes about `min_time` of wall time. Google Benchmark
// would choose them from the timed part alone, and a 50 ns kernel with a large output would
// spend minutes resetting it. 0: the call dominates, and Google Benchmark chooses.
template <typename Fn>
long long iterations_for(Bench& b, const Fn& fn, double min_time) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  double timed = 0;
  long long n = 0;
  const auto start = Clock::now();
  do {
    b.reset();
    const auto call = Clock::now();
    fn();
    timed += seconds(Clock::now() - call);
    ++n;
  } while (seconds(Clock::now() - start) < min_time / 10 && n < 1000);
  const double whole = seconds(Clock::now() - start) / static_cast<double>(n);
  if (whole <= 2 * timed / static_cast<double>(n)) return 0;
  return std::max(1LL, static_cast<long long>(min_time / whole));
}

inline std::string time(Bench& b, int reps, double min_time, int warmup) {
  const auto& fn = b.function();
  b.prepare();
  for (int i = 0; i < warmup; ++i) {
    b.reset();
    fn();
  }
  if (const Buffer* changed = b.modified_input()) return input_modified("time", *changed);
  const long long iterations = iterations_for(b, fn, min_time);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark(
          "candidate",
          [&](benchmark::State& state) {
            for (auto _ : state) {
              b.reset();
              auto start = std::chrono::steady_clock::now();
              fn();
              state.SetIterationTime(
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            }
          })
          ->UseManualTime()
          ->Unit(benchmark::kSecond)
          ->Repetitions(reps);
  if (iterations > 0) {
    registered->Iterations(iterations);
  } else {
    registered->MinTime(min_time);
  }
  SampleReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  if (!reporter.error.empty()) return status_json("time", "error", reporter.error);
  if (reporter.samples.empty())
    return status_json("time", "error", "Google Benchmark reported no sample");
  return time_json(reporter.samples, reporter.iterations, b);
}

#endif  // KEVOLVE_BENCH_GPU

inline int harness_main(int argc, char** argv, void (*harness)(Bench&)) {
  std::string mode_name = argc > 1 ? argv[1] : "";
  Bench::Mode mode = mode_name == "describe"    ? Bench::Mode::describe
                     : mode_name == "verify"    ? Bench::Mode::verify
                     : mode_name == "reference" ? Bench::Mode::reference
                                                : Bench::Mode::time;
  if (mode_name != "describe" && mode_name != "verify" && mode_name != "reference" &&
      mode_name != "time") {
    std::fprintf(stderr, "usage: %s describe|verify|reference|time [options]\n", argv[0]);
    return 2;
  }
  std::uint64_t seed = 1;
  std::string out_dir = ".";
  std::map<std::string, long> sizes;
  int reps = 5;
  double min_time = 0.05;
  int warmup = 2;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    std::string value = argv[i + 1];
    if (key == "--seed")
      seed = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "--out")
      out_dir = value;
    else if (key == "--reps")
      reps = std::atoi(value.c_str());
    else if (key == "--min-time")
      min_time = std::atof(value.c_str());
    else if (key == "--warmup")
      warmup = std::atoi(value.c_str());
    else if (key == "--size") {
      auto eq = value.find('=');
      if (eq != std::string::npos) sizes[value.substr(0, eq)] = std::atol(value.c_str() + eq + 1);
    }
  }
  const char* name = mode_name.c_str();
  try {
    Bench bench(mode, seed, sizes);
    harness(bench);
    if (!bench.ran()) {
      print_result(status_json(name, "error", "the harness never called b.run(...)"));
      return 1;
    }
    std::string result;
    switch (mode) {
      case Bench::Mode::describe:
        result = describe_json(bench);
        break;
      case Bench::Mode::verify:
        result = verify(bench, out_dir, false);
        break;
      case Bench::Mode::reference:
        result = verify(bench, out_dir, true);
        break;
      case Bench::Mode::time:
        result = time(bench, reps, min_time, warmup);
        break;
    }
    print_result(result);
    return 0;
  }
#if defined(KEVOLVE_BENCH_GPU)
  catch (const gpu::GpuError& e) {
    print_result(
        status_json(name, "error", std::string(KEVOLVE_GPU_RUNTIME " error in ") + e.what()));
    return 1;
  }
#endif
  catch (const std::exception& e) {
    print_result(status_json(name, "error", std::string("the harness threw: ") + e.what()));
    return 1;
  }
}

}  // namespace kevolve::detail
