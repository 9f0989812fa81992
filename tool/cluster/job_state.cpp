#include "tool/cluster/job_state.hpp"

#include "util/text.hpp"

#include <array>
#include <utility>

namespace kevolve::cluster {

namespace {

// Every state of SLURM 22.05's job_state_string(), long form.
constexpr std::array<std::pair<std::string_view, JobOutcome>, 24> k_states{{
    {"PENDING", JobOutcome::pending},     {"CONFIGURING", JobOutcome::pending},
    {"REQUEUED", JobOutcome::pending},    {"REQUEUE_HOLD", JobOutcome::pending},
    {"REQUEUE_FED", JobOutcome::pending}, {"RESV_DEL_HOLD", JobOutcome::pending},
    {"RUNNING", JobOutcome::running},     {"COMPLETING", JobOutcome::running},
    {"SUSPENDED", JobOutcome::running},   {"STOPPED", JobOutcome::running},
    {"SIGNALING", JobOutcome::running},   {"STAGE_OUT", JobOutcome::running},
    {"RESIZING", JobOutcome::running},    {"COMPLETED", JobOutcome::completed},
    {"FAILED", JobOutcome::failed},       {"OUT_OF_MEMORY", JobOutcome::failed},
    {"SPECIAL_EXIT", JobOutcome::failed}, {"TIMEOUT", JobOutcome::timeout},
    {"DEADLINE", JobOutcome::timeout},    {"CANCELLED", JobOutcome::cancelled},
    {"REVOKED", JobOutcome::cancelled},   {"NODE_FAIL", JobOutcome::lost},
    {"PREEMPTED", JobOutcome::lost},      {"BOOT_FAIL", JobOutcome::lost},
}};

}  // namespace

std::string_view to_string(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::pending:
      return "pending";
    case JobOutcome::running:
      return "running";
    case JobOutcome::completed:
      return "completed";
    case JobOutcome::failed:
      return "failed";
    case JobOutcome::timeout:
      return "timeout";
    case JobOutcome::cancelled:
      return "cancelled";
    case JobOutcome::lost:
      return "lost";
    case JobOutcome::unknown:
      return "unknown";
  }
  return "unknown";
}

bool is_final(JobOutcome outcome) {
  return outcome != JobOutcome::pending && outcome != JobOutcome::running;
}

JobOutcome outcome_of(std::string_view slurm_state) {
  // sacct adds who cancelled ("CANCELLED by 0"); squeue may append '+' to a state it truncated.
  std::string_view word = util::trim(slurm_state);
  word = word.substr(0, word.find_first_of(" +"));
  for (const auto& [name, outcome] : k_states) {
    if (word == name) return outcome;
  }
  return JobOutcome::unknown;
}

std::optional<ExitStatus> parse_exit_status(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto code = util::parse_int(text.substr(0, colon));
  const auto signal = util::parse_int(text.substr(colon + 1));
  if (!code || !signal || *code < 0 || *code > 255 || *signal < 0 || *signal > 255) {
    return std::nullopt;
  }
  return ExitStatus{static_cast<int>(*code), static_cast<int>(*signal)};
}

}  // namespace kevolve::cluster
