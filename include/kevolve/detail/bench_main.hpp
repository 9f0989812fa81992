// The generated main of a candidate (DESIGN §4): runs the unit's harness in one of the
// protocol's modes and prints one result line, "kevolve-result: {json}", on stdout.
//
//   candidate describe
//   candidate verify    --seed S --out DIR [--size name=value ...]   outputs to DIR/<name>.bin
//   candidate reference --seed S --out DIR [--size name=value ...]   the harness's reference
//   candidate time      [--reps R] [--min-time S] [--warmup W] [--size name=value ...]
//
// Timing uses Google Benchmark with manual per-iteration times: before every iteration inouts
// are restored and outputs poisoned, untimed; each repetition's mean time per iteration is one
// sample, and the tuner gets all samples with their median.
#pragma once

#include <kevolve/bench.hpp>

#include <benchmark/benchmark.h>

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

inline std::string verify(Bench& b, const std::string& out_dir, bool reference) {
  const char* mode = reference ? "reference" : "verify";
  const auto& fn = reference && b.has_reference() ? b.reference_function() : b.function();
  b.prepare();
  if (reference) {
    // The tuner checks that the reference changed its inouts; it needs them as they were.
    for (const Buffer& buf : b.buffers()) {
      if (buf.role != Role::inout) continue;
      std::string path = out_dir + "/" + buf.name + ".initial.bin";
      std::FILE* f = std::fopen(path.c_str(), "wb");
      if (!f || std::fwrite(buf.initial.data(), 1, buf.initial.size(), f) != buf.initial.size() ||
          std::fclose(f) != 0) {
        return status_json(mode, "error", "cannot write " + path);
      }
    }
  }
  auto start = std::chrono::steady_clock::now();
  fn();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (const Buffer* changed = b.modified_input()) return input_modified(mode, *changed);
  for (const Buffer& buf : b.buffers()) {
    if (buf.role == Role::input) continue;
    std::string path = out_dir + "/" + buf.name + ".bin";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(buf.data, 1, buf.bytes(), f) != buf.bytes() || std::fclose(f) != 0) {
      return status_json(mode, "error", "cannot write " + path);
    }
  }
  return std::string("{\"protocol\":1,\"mode\":\"") + mode +
         "\",\"status\":\"ok\",\"seconds\":" + json_number(seconds) +
         ",\"problem\":" + problem_json(b) + "}";
}

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

inline std::string time(Bench& b, int reps, double min_time, int warmup) {
  const auto& fn = b.function();
  b.prepare();
  for (int i = 0; i < warmup; ++i) {
    b.reset();
    fn();
  }
  if (const Buffer* changed = b.modified_input()) return input_modified("time", *changed);
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
      ->Repetitions(reps)
      ->MinTime(min_time);
  SampleReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  if (!reporter.error.empty()) return status_json("time", "error", reporter.error);
  if (reporter.samples.empty())
    return status_json("time", "error", "Google Benchmark reported no sample");
  std::vector<double> sorted = reporter.samples;
  std::sort(sorted.begin(), sorted.end());
  std::size_t n = sorted.size();
  double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  std::string samples = "[";
  for (std::size_t i = 0; i < reporter.samples.size(); ++i)
    samples += (i ? "," : "") + json_number(reporter.samples[i]);
  samples += "]";
  return "{\"protocol\":1,\"mode\":\"time\",\"status\":\"ok\",\"median_s\":" + json_number(median) +
         ",\"min_s\":" + json_number(sorted.front()) + ",\"max_s\":" + json_number(sorted.back()) +
         ",\"samples\":" + samples + ",\"iterations\":" + std::to_string(reporter.iterations) +
         ",\"problem\":" + problem_json(b) + "}";
}

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
  } catch (const std::exception& e) {
    print_result(status_json(name, "error", std::string("the harness threw: ") + e.what()));
    return 1;
  }
}

}  // namespace kevolve::detail
