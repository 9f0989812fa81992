#pragma once

// The tuner's side of the harness protocol (include/kevolve/detail/bench_main.hpp): runs a
// candidate executable in one mode, under a timeout, in its own process group, and reads its
// result line. Whatever the candidate does (crash, hang, garbage) becomes a status.

#include "util/json.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kevolve::backends {

// Statuses of docs/design.md §8, as the trial log spells them.
enum class Status { ok, compile_error, runtime_error, timeout, wrong_result, crashed };
std::string_view name_of(Status status);
bool parse_status(std::string_view text, Status& status);

struct BufferInfo {
  std::string name;
  std::string type;  // f32, f64, i8 ... u64
  std::string role;  // input, output, inout
  std::size_t count = 0;
};

// What `describe` says about the harness.
struct Description {
  std::vector<std::pair<std::string, std::vector<long>>> sizes;
  std::vector<std::pair<std::string, long>> problem;  // the primary problem
  std::vector<BufferInfo> buffers;
  double traffic = 0;
  double work = 0;
  std::map<std::string, std::pair<double, double>> tolerances;  // name -> rtol, atol
  bool has_reference = false;
};

struct RunResult {
  Status status = Status::runtime_error;
  std::string message;  // why it is not ok, with the end of its output
  util::Json result;    // the result line, when there is one
  double seconds = 0;   // wall time of the process
};

class Launcher;

struct RunOptions {
  std::chrono::milliseconds timeout{60000};
  std::vector<std::string> sizes;  // name=value, for non-primary problems
  Launcher* launcher = nullptr;    // null: the candidate is an executable, run afresh
  int warmup = -1;                 // time: untimed runs first; -1: the harness's default
};

RunResult run_describe(const std::filesystem::path& executable, const RunOptions& options);
RunResult run_verify(const std::filesystem::path& executable, std::uint64_t seed,
                     const std::filesystem::path& out_dir, bool reference,
                     const RunOptions& options);
RunResult run_time(const std::filesystem::path& executable, int reps, double min_time,
                   const RunOptions& options);

// Reads a describe result.
Description description_from(const util::Json& result);

}  // namespace kevolve::backends
