#pragma once

// The trial log (docs/design.md §7): every evaluation of a unit on a device, one JSON object per
// line, appended as it happens, in <knowledge>/trials/<unit>/<device-id>.jsonl. A tune run that is
// interrupted resumes from it; a line cut short by a kill is ignored.

#include "knowledge/wisdom.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::knowledge {

struct TrialRecord {
  std::string unit;
  std::string source_hash;  // of the unit when it was evaluated
  std::string device_id;
  std::vector<std::pair<std::string, std::int64_t>> problem;
  ParamValues params;
  std::string status;            // ok, compile_error, runtime_error, timeout, wrong_result, crashed
  std::optional<double> time_s;  // median, when ok
  std::optional<double> spread;  // (max - min) / median of the timed repetitions
  std::string message;
  std::string strategy;
  std::string date;
  // Achieved rates against the device's measured peaks, when known: bytes_per_s, flops_per_s,
  // peak_percent, bound (tool/eval/diagnosis.hpp). Profiler metrics, when asked for.
  util::Json diagnosis = util::Json::object();
};

util::Json to_json(const TrialRecord& t);

struct TrialLog {
  std::vector<TrialRecord> records;
  std::vector<std::string> skipped;  // lines that could not be read, with their line numbers
};

// Reads a log; a missing file is an empty log.
util::Expected<TrialLog> read_trials(const std::filesystem::path& file);

// Appends one record as one line with one write (O_APPEND), then syncs it.
util::Expected<void> append_trial(const std::filesystem::path& file, const TrialRecord& record);

}  // namespace kevolve::knowledge
