#pragma once

// What the harness protocol says about a candidate (docs/harness.md): the statuses of a run and
// the harness's description of its problem. backends/session.hpp speaks the protocol.

#include "util/json.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kevolve::backends {

// Statuses of docs/design.md §8, as the trial log spells them. `rejected`: caught gaming the
// measurement (a forged reply, a thread or process left running, work after the call returned,
// a time the tuner's own observations contradict).
// `lost`: the cluster lost the job that evaluated it, retries included (tool/executor/): not the
// candidate's doing, and evaluated again by the next tune.
enum class Status {
  ok,
  compile_error,
  runtime_error,
  timeout,
  wrong_result,
  crashed,
  rejected,
  lost
};
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
  // The buffers that were random as declared (the protocol may refill them in place).
  std::vector<std::string> refillable;
};

// Reads a describe result.
Description description_from(const util::Json& result);
// The inverse of description_from (a SLURM worker sends its unit's description so).
util::Json to_json(const Description& description);

}  // namespace kevolve::backends
