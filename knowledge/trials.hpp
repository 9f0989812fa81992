#pragma once

// The trial log (docs/design.md §7): every evaluation of a unit on a device, one JSON object per
// line, appended as it happens, in <knowledge>/trials/<unit>/<device-id>.jsonl. A tune run that is
// interrupted resumes from it; a line cut short by a kill is ignored.

#include "knowledge/wisdom.hpp"
#include "util/expected.hpp"
#include "util/files.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::knowledge {

// The status of a failure that was the environment's (a compiler that cannot run, a full
// disk), not the candidate's: resume ignores it, so the next tune evaluates the point again.
inline constexpr std::string_view k_environment_error = "environment_error";

struct TrialRecord {
  std::string id;  // unique among all trials ("" in lines written before kevolve wrote ids)
  std::string unit;
  std::string source_hash;  // of the unit when it was evaluated
  std::string device_id;
  std::string build;  // key of the build configuration measured ("" in older lines)
  std::vector<std::pair<std::string, std::int64_t>> problem;
  ParamValues params;
  // ok, compile_error, runtime_error, timeout, wrong_result, crashed, environment_error
  std::string status;
  std::optional<double> time_s;  // median, when ok
  std::optional<double> spread;  // (max - min) / median of the timed repetitions
  // Seconds spent building the candidate and running it (verification and timing), where the
  // kevolve that wrote the line recorded them (`kevolve report` shows time per stage).
  std::optional<double> build_s;
  std::optional<double> run_s;
  std::string message;
  std::string strategy;
  std::string date;
  // Achieved rates against the device's measured peaks, when known: bytes_per_s, flops_per_s,
  // peak_percent, bound (tool/eval/diagnosis.hpp). Profiler metrics, when asked for.
  util::Json diagnosis = util::Json::object();
  // A code variant's evaluation: its hash (knowledge/wisdom.hpp, VariantRef); "" for the
  // original. Its params are of the variant's space.
  std::string variant;
  // The LLM call that made it (provider, model, prompt_hash, tokens, seconds, attempts), on the
  // line of the variant's first evaluation.
  util::Json llm = util::Json::object();
};

util::Json to_json(const TrialRecord& t);
// Reads one line's object; nothing when it is not a trial record of a schema this kevolve reads.
std::optional<TrialRecord> trial_from_json(const util::Json& j);

// A new trial id: the time, this process and a counter ("20261121T220032Z-4242-17").
std::string new_trial_id();

struct TrialLog {
  std::vector<TrialRecord> records;
  std::vector<std::string> skipped;  // lines that could not be read, with their line numbers
};

// Reads a log's text; `origin` names it in the skipped lines.
TrialLog parse_trials(std::string_view text, std::string_view origin);

// Reads a log; a missing file is an empty log. Neither a link beneath `file.root` nor anything
// but a regular file of at most k_max_trial_log_bytes is read.
util::Expected<TrialLog> read_trials(const util::PathBeneath& file);

// Appends one record as one line with one write (O_APPEND), then syncs it. The directories
// beneath `file.root` are made as needed; a link among them, or as the log, is refused.
util::Expected<void> append_trial(const util::PathBeneath& file, const TrialRecord& record);

}  // namespace kevolve::knowledge
