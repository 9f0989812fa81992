// The generated main of a candidate (docs/harness.md, "The protocol"): one process serves one
// session of the tuner's requests, read from stdin, and answers each on descriptor 3 with a
// signed reply (detail/channel.hpp). The command line and environment are the same whatever is
// asked, so nothing tells a checked call from a timed one before it returns:
//
//   hello KEY                 the signing key (and the guard zones' pattern)
//   problem SEED [n=V ...]    runs the harness for that seed and sizes; its run() then serves:
//     call | reference        one call of the kernel (or the harness's reference), checked after
//     time R T W              W warm-up calls, then R timed repetitions of at least T s each
//     outputs DIR | initial DIR   the last call's outputs (inouts' initial contents) to DIR
//     refill SEED             the random inputs refilled in place from another seed
//     counters T W            CPU: W warm-up calls, then calls counted by the CPU's hardware
//                             counters (detail/counters.hpp) until T s of counted calls
//     end                     run() returns, and so does the harness
//   quit
//
// After every call or timed batch the harness checks the guard zones around each buffer, that no
// process and no new thread outlived the call, and remembers a digest of the outputs: if they
// change before the tuner reads them, work went on after the call returned. CPU timing uses
// Google Benchmark with manual per-iteration times from detail/clock.hpp (a clock the candidate
// cannot replace); GPU timing uses events, each repetition alone after a device-wide
// synchronize and an L2 flush.
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
#include <kevolve/detail/counters.hpp>

#include <benchmark/benchmark.h>
#endif

#include <kevolve/detail/channel.hpp>
#include <kevolve/detail/clock.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#if defined(__linux__)
#include <dirent.h>
#include <sys/prctl.h>
#endif

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
               "\",\"count\":" + std::to_string(buf.count) +
               ",\"refillable\":" + (buf.refillable ? "true" : "false") + "}";
  }
  buffers += "]";
  std::string tolerances = "{";
  for (const auto& [name, t] : b.tolerances()) {
    tolerances += (tolerances.size() > 1 ? "," : "") + json_escape(name) + ":[" +
                  json_number(t.first) + "," + json_number(t.second) + "]";
  }
  tolerances += "}";
  return "{\"status\":\"ok\",\"sizes\":" + sizes + ",\"problem\":" + problem_json(b) +
         ",\"buffers\":" + buffers + ",\"traffic\":" + json_number(b.traffic()) +
         ",\"work\":" + json_number(b.work()) + ",\"tolerances\":" + tolerances +
         ",\"has_reference\":" + (b.has_reference() ? "true" : "false") + "}";
}

inline std::string status_json(const std::string& status, const std::string& message) {
  return "{\"status\":" + json_escape(status) + ",\"message\":" + json_escape(message) + "}";
}

inline bool write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// The tasks a call may leave behind: this process's threads, and its child processes (the
// generated main is a subreaper, so an orphaned grandchild is a child too).
struct Tasks {
  int threads = 0;
  int children = 0;
  std::string child;  // one of them, for the message
};

inline Tasks count_tasks() {
  Tasks t;
#if defined(__linux__)
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return t;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    ++t.threads;
    std::string path = std::string("/proc/self/task/") + entry->d_name + "/children";
    if (std::FILE* f = std::fopen(path.c_str(), "r")) {
      char pid[32];
      while (std::fscanf(f, "%31s", pid) == 1) {
        ++t.children;
        if (t.child.empty()) t.child = pid;
      }
      std::fclose(f);
    }
  }
  ::closedir(dir);
#endif
  return t;
}

inline std::uint64_t outputs_digest(Bench& b) {
  std::uint64_t h = 0;
  for (const Buffer& buf : b.buffers()) {
    if (buf.role != Role::input) h = mix(h ^ memory::hash(buf.data(), buf.bytes()));
  }
  return h;
}

// What every call (or timed batch) must leave as it found it; empty when all is well.
class Watch {
 public:
  std::string after_call(Bench& b) {
    for (const Buffer& buf : b.buffers()) {
      long long breach = buf.storage.breach();
      if (breach > 0)
        return status_json("wrong_result", "the run wrote " + std::to_string(breach) +
                                               " bytes past the end of '" + buf.name + "'");
      if (breach < 0)
        return status_json("wrong_result", "the run wrote " + std::to_string(-breach) +
                                               " bytes before the start of '" + buf.name + "'");
    }
    Tasks now = count_tasks();
    if (now.children > 0)
      return status_json("rejected", "a process the run started (pid " + now.child +
                                         ") was still running after the call returned");
    // Thread pools start on first use: the threads after the first call are the baseline.
    if (m_threads < 0) m_threads = now.threads;
    if (now.threads > m_threads)
      return status_json("rejected", std::to_string(now.threads - m_threads) +
                                         " thread(s) started by the run were still running "
                                         "after the call returned");
    m_digest = outputs_digest(b);
    return {};
  }
  // Before outputs are read: they must be what the call left.
  std::string unchanged_since_call(Bench& b) const {
    if (outputs_digest(b) != m_digest)
      return status_json("rejected",
                         "the outputs changed after the call returned: work went on in the "
                         "background");
    if (const Buffer* changed = b.modified_input())
      return status_json("wrong_result", "the run wrote to input '" + changed->name + "'");
    return {};
  }

 private:
  int m_threads = -1;
  std::uint64_t m_digest = 0;
};

struct Calls {
  long long count = 0;
  double timed_s = 0;
};

// host and drain: GPU only (see time() below); empty on a CPU.
struct Spans {
  std::vector<double> host, drain;
};

inline std::string time_json(std::vector<double> samples, long long iterations, double phase_s,
                             const Spans& spans, Calls calls) {
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  std::size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  auto list = [](const std::vector<double>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_number(values[i]);
    return out + "]";
  };
  return "{\"status\":\"ok\",\"median_s\":" + json_number(median) +
         ",\"min_s\":" + json_number(sorted.front()) + ",\"max_s\":" + json_number(sorted.back()) +
         ",\"samples\":" + list(samples) + ",\"iterations\":" + std::to_string(iterations) +
         ",\"phase_s\":" + json_number(phase_s) + ",\"host_s\":" + list(spans.host) +
         ",\"drain_s\":" + list(spans.drain) + ",\"calls\":" + std::to_string(calls.count) +
         ",\"timed_s\":" + json_number(calls.timed_s) + "}";
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

// Events bracket the run on stream(); the host's span of the same repetition (up to the
// device-wide synchronize) is reported too, and the drain: how long the device still worked
// once the stop event had completed. Both let the tuner see work on other streams, the drain
// without the launch and wake-up latencies that the span carries.
inline std::string time(Bench& b, int reps, double /*min_time*/, int warmup) {
  const auto& fn = b.function();
  gpu::Stream stream = b.stream();
  clock::Phase phase;
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
  Spans spans;
  try {
    for (int r = 0; r < reps; ++r) {
      b.reset();
      flusher.flush(r);
      gpu::check(KEVOLVE_GPU(DeviceSynchronize)(), "synchronizing before a run");
      const std::int64_t t0 = clock::monotonic_ns();
      gpu::check(KEVOLVE_GPU(EventRecord)(start, stream), "recording an event");
      KEVOLVE_RANGE_PUSH("kevolve_run");
      fn();
      KEVOLVE_RANGE_POP();
      gpu::check(KEVOLVE_GPU(EventRecord)(stop, stream), "recording an event");
      gpu::check(KEVOLVE_GPU(GetLastError)(), "a timed run");
      gpu::check(KEVOLVE_GPU(EventSynchronize)(stop), "a timed run");
      const std::int64_t stopped = clock::monotonic_ns();
      gpu::check_run("a timed run");
      const std::int64_t drained = clock::monotonic_ns();
      spans.host.push_back(static_cast<double>(drained - t0) * 1e-9);
      spans.drain.push_back(static_cast<double>(drained - stopped) * 1e-9);
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
  if (samples.empty()) return status_json("error", "no repetition was asked for");
  double timed = 0;
  for (double s : samples) timed += s;
  return time_json(samples, 1, phase.seconds(), spans,
                   {static_cast<long long>(samples.size()) + warmup, timed});
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

// The calls of one timing phase and their timed seconds, for the tuner's cross-check.
struct Tally {
  long long calls = 0;
  double timed_s = 0;
};
inline Tally& tally() {
  static Tally t;
  return t;
}

// Seconds of one call by the harness's own clock, with the untimed reset before it.
template <typename Fn>
double timed_call(Bench& b, const Fn& fn) {
  b.reset();
  const std::uint64_t c0 = clock::ticks();
  fn();
  const std::uint64_t c1 = clock::ticks();
  const double seconds = static_cast<double>(c1 - c0) * clock::seconds_per_tick();
  tally().calls += 1;
  tally().timed_s += seconds;
  return seconds;
}

// Iterations of one repetition when the untimed reset before each call (outputs poisoned,
// inouts restored) costs more than the call itself: then they are chosen from the whole
// iteration's cost, so that a repetition takes about `min_time` of wall time. Google Benchmark
// would choose them from the timed part alone, and a 50 ns kernel with a large output would
// spend minutes resetting it. 0: the call dominates, and Google Benchmark chooses.
template <typename Fn>
long long iterations_for(Bench& b, const Fn& fn, double min_time) {
  double timed = 0;
  long long n = 0;
  const clock::Phase phase;
  do {
    timed += timed_call(b, fn);
    ++n;
  } while (phase.seconds() < min_time / 10 && n < 1000);
  const double whole = phase.seconds() / static_cast<double>(n);
  if (whole <= 2 * timed / static_cast<double>(n)) return 0;
  return std::max(1LL, static_cast<long long>(min_time / whole));
}

inline std::string time(Bench& b, int reps, double min_time, int warmup) {
  const auto& fn = b.function();
  const clock::Phase phase;
  tally() = Tally{};
  for (int i = 0; i < warmup; ++i) timed_call(b, fn);
  const long long iterations = iterations_for(b, fn, min_time);
  benchmark::internal::Benchmark* registered =
      benchmark::RegisterBenchmark("candidate",
                                   [&](benchmark::State& state) {
                                     for (auto _ : state) state.SetIterationTime(timed_call(b, fn));
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
  if (!reporter.error.empty()) return status_json("error", reporter.error);
  if (reporter.samples.empty()) return status_json("error", "Google Benchmark reported no sample");
  // The ticks' rate over this whole phase is more exact than the 2 ms calibration.
  const double correction = phase.rate() / clock::seconds_per_tick();
  for (double& s : reporter.samples) s *= correction;
  return time_json(reporter.samples, reporter.iterations, phase.seconds(), {},
                   {tally().calls, tally().timed_s * correction});
}

// The `counters T W` request: W warm-up calls, then calls counted one at a time (the reset
// before each is not counted) until they add up to T s by the harness's clock, or the phase
// has taken 10 T s of wall time (resets that dwarf a short kernel). At least one call.
inline std::string count(Bench& b, double min_time, int warmup) {
  const auto& fn = b.function();
  for (int i = 0; i < warmup; ++i) {
    b.reset();
    fn();
  }
  const clock::Phase phase;
  counters::Group group;
  double seconds = 0;
  long long calls = 0;
  do {
    b.reset();
    group.start();
    const std::uint64_t c0 = clock::ticks();
    fn();
    const std::uint64_t c1 = clock::ticks();
    group.stop();
    seconds += static_cast<double>(c1 - c0) * clock::seconds_per_tick();
    ++calls;
  } while (seconds < min_time && phase.seconds() < 10 * min_time && calls < 1000000);
  return "{\"status\":\"ok\",\"calls\":" + std::to_string(calls) +
         ",\"seconds\":" + json_number(seconds) + "," +
         group.json_fields(json_escape, json_number) + "}";
}

#endif  // KEVOLVE_BENCH_GPU

// Ends the session from inside a harness: the tuner closed stdin or said quit.
struct SessionOver {};

// Serves the requests of one problem, from inside Bench::run.
class Server {
 public:
  Server(Channel& channel, Watch& watch) : m_channel(channel), m_watch(watch) {}

  void serve(Bench& b) {
    b.prepare();
    m_channel.reply(describe_json(b));
    Request request;
    while (m_channel.read(request)) {
      if (request.op == "end") return;
      if (request.op == "quit") throw SessionOver{};
      m_channel.reply(answer(b, request));
    }
    throw SessionOver{};
  }

 private:
  std::string answer(Bench& b, const Request& r) {
    if (r.op == "call" || r.op == "reference") return call(b, r.op == "reference");
    if (r.op == "time" && r.args.size() == 3) {
      std::string timed = time(b, std::atoi(r.args[0].c_str()), std::atof(r.args[1].c_str()),
                               std::atoi(r.args[2].c_str()));
      std::string wrong = m_watch.after_call(b);
      return wrong.empty() ? timed : wrong;
    }
    if (r.op == "counters" && r.args.size() == 2) {
#if defined(KEVOLVE_BENCH_GPU)
      return status_json("error", "the counters request is for CPU candidates");
#else
      std::string counted = count(b, std::atof(r.args[0].c_str()), std::atoi(r.args[1].c_str()));
      std::string wrong = m_watch.after_call(b);
      return wrong.empty() ? counted : wrong;
#endif
    }
    if (r.op == "outputs" || r.op == "initial") return outputs(b, r.rest, r.op == "initial");
    if (r.op == "refill" && r.args.size() == 1) {
      b.refill(std::strtoull(r.args[0].c_str(), nullptr, 10));
      return status_json("ok", "");
    }
    return status_json("error", "not a request: " + r.op);
  }

  std::string call(Bench& b, bool reference) {
    const auto& fn = reference && b.has_reference() ? b.reference_function() : b.function();
    b.reset();
    const std::int64_t start = clock::monotonic_ns();
    fn();
#if defined(KEVOLVE_BENCH_GPU)
    gpu::check_run("the run");
#endif
    const double seconds = static_cast<double>(clock::monotonic_ns() - start) * 1e-9;
    std::string wrong = m_watch.after_call(b);
    if (!wrong.empty()) return wrong;
    return "{\"status\":\"ok\",\"seconds\":" + json_number(seconds) + "}";
  }

  std::string outputs(Bench& b, const std::string& dir, bool initial) {
    if (!initial) {
      std::string wrong = m_watch.unchanged_since_call(b);
      if (!wrong.empty()) return wrong;
    }
    for (const Buffer& buf : b.buffers()) {
      if (buf.role == Role::input || (initial && buf.role != Role::inout)) continue;
      std::string path = dir + "/" + buf.name + (initial ? ".initial.bin" : ".bin");
      if (!write_file(path, buf.contents(initial ? buf.initial : buf.storage)))
        return status_json("error", "cannot write " + path);
    }
    return status_json("ok", "");
  }

  Channel& m_channel;
  Watch& m_watch;
};

inline std::map<std::string, long> sizes_of(const Request& r) {
  std::map<std::string, long> sizes;
  for (std::size_t i = 1; i < r.args.size(); ++i) {
    std::size_t eq = r.args[i].find('=');
    if (eq != std::string::npos)
      sizes[r.args[i].substr(0, eq)] = std::atol(r.args[i].c_str() + eq + 1);
  }
  return sizes;
}

// One problem: the harness runs for its seed and sizes, and its run() serves the requests.
inline std::string run_problem(const Request& r, Channel& channel, Watch& watch,
                               void (*harness)(Bench&)) {
  Server server(channel, watch);
  try {
    Bench bench(std::strtoull(r.args.empty() ? "0" : r.args[0].c_str(), nullptr, 10), sizes_of(r),
                [&](Bench& b) { server.serve(b); });
    harness(bench);
    if (!bench.ran()) return status_json("error", "the harness never called b.run(...)");
    return status_json("ok", "");
  }
#if defined(KEVOLVE_BENCH_GPU)
  catch (const gpu::GpuError& e) {
    return status_json("error", std::string(KEVOLVE_GPU_RUNTIME " error in ") + e.what());
  }
#endif
  catch (const std::exception& e) {
    return status_json("error", std::string("the harness threw: ") + e.what());
  }
}

inline int harness_main(int /*argc*/, char** /*argv*/, void (*harness)(Bench&)) {
#if defined(__linux__)
  // Orphans of the candidate's processes become its children, so the watch sees them.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
  Channel channel;
  Watch watch;
  Request request;
  try {
    while (channel.read(request)) {
      if (request.op == "hello" && request.args.size() == 1) {
        channel.set_key(request.args[0]);
        set_guard_key(std::strtoull(request.args[0].substr(0, 16).c_str(), nullptr, 16) ^
                      0x6775617264ull);
        channel.reply("{\"status\":\"ok\",\"protocol\":2}");
      } else if (request.op == "problem") {
        channel.reply(run_problem(request, channel, watch, harness));
      } else if (request.op == "quit") {
        break;
      } else {
        channel.reply(status_json("error", "not a request outside a problem: " + request.op));
      }
    }
  } catch (const SessionOver&) {
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace kevolve::detail
