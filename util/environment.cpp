#include "util/environment.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>
#include <unistd.h>

namespace kevolve::util {

namespace {

constexpr std::array k_variables = {
    // Tuning settings (kevolve tune): below the command line, above kevolve_tune()'s.
    EnvironmentVariable{"KEVOLVE_BUDGET", "evaluations per unit (--budget)"},
    EnvironmentVariable{"KEVOLVE_TIME", "seconds per unit, its whole tune (--time)"},
    EnvironmentVariable{"KEVOLVE_STALL", "evaluations without a better candidate (--stall)"},
    EnvironmentVariable{"KEVOLVE_STRATEGY", "search strategy (--strategy)"},
    EnvironmentVariable{"KEVOLVE_SEED", "seed of the search (--seed)"},
    EnvironmentVariable{"KEVOLVE_JOBS", "parallel builds (--jobs)"},
    EnvironmentVariable{"KEVOLVE_TIMEOUT", "least seconds a candidate run may take (--timeout)"},
    EnvironmentVariable{"KEVOLVE_REPS", "timed repetitions per measurement (--reps)"},
    EnvironmentVariable{"KEVOLVE_MIN_TIME", "seconds per timed repetition (--min-time)"},
    EnvironmentVariable{"KEVOLVE_ROUNDS", "interleaved rounds of the final re-timing (--rounds)"},
    EnvironmentVariable{"KEVOLVE_TOP", "candidates re-timed against the defaults (--top)"},
    EnvironmentVariable{"KEVOLVE_COMPILE_TIMEOUT",
                        "seconds a compile or link may take (--compile-timeout)"},
    EnvironmentVariable{"KEVOLVE_SANDBOX",
                        "candidates' sandbox: required, auto or off (--sandbox)"},
    // The build's side and kevolve's own files.
    EnvironmentVariable{"KEVOLVE_TUNE_ARGS", "options appended to every kevolve tune command"},
    EnvironmentVariable{"KEVOLVE_DEVICE", "whose winners a build injects (kevolve apply)"},
    EnvironmentVariable{"KEVOLVE_CACHE_DIR", "kevolve's user cache (peaks, scan cache)"},
    EnvironmentVariable{"KEVOLVE_CACHE_KEYS",
                        "`preprocessed`: key candidate objects by preprocessed text"},
    EnvironmentVariable{
        "KEVOLVE_DEVICE_ONLY",
        "`on`: device-only CUDA candidates for units that launch through KEVOLVE_LAUNCH"},
    // The LLM providers (docs/llm.md, "Providers"): below the command line, above kevolve_tune()'s.
    EnvironmentVariable{"KEVOLVE_LLM", "the LLM provider: openai, anthropic or command (--llm)"},
    EnvironmentVariable{"KEVOLVE_LLM_MODEL", "the LLM's model (--llm-model)"},
    EnvironmentVariable{"KEVOLVE_LLM_URL", "the LLM server's base URL (--llm-url)"},
    EnvironmentVariable{"KEVOLVE_LLM_COMMAND",
                        "the program of the command provider (--llm-command)"},
    EnvironmentVariable{"KEVOLVE_LLM_CALLS", "LLM variants asked for per unit (--llm-calls)"},
    EnvironmentVariable{"KEVOLVE_LLM_BUDGET", "evaluations of each variant's space (--llm-budget)"},
    EnvironmentVariable{"KEVOLVE_LLM_KEY_ENV",
                        "the variable holding the LLM key (OPENAI_API_KEY, ANTHROPIC_API_KEY)"},
    EnvironmentVariable{"KEVOLVE_EXECUTOR",
                        "where candidates build and run: local or slurm (--executor)"},
    EnvironmentVariable{"KEVOLVE_SLURM_PARTITION",
                        "SLURM partitions, [BACKEND=]NAME,... (--slurm-partition)"},
    EnvironmentVariable{"KEVOLVE_SLURM_ACCOUNT", "SLURM account of the jobs (--slurm-account)"},
    EnvironmentVariable{"KEVOLVE_LOG_FILE", "append the debug log to this file"},
    EnvironmentVariable{"KEVOLVE_LIBCUDA", "the CUDA driver library to load (libcuda.so.1)"},
    // Read as other tools read them.
    EnvironmentVariable{"XDG_CACHE_HOME", "the user cache, without KEVOLVE_CACHE_DIR"},
    EnvironmentVariable{"HOME", "the user cache (~/.cache), without either of the above"},
    EnvironmentVariable{"TMPDIR", "compilers' temporary files (else beside GPU outputs)"},
    EnvironmentVariable{"PATH", "where nvcc, hipcc, ncu and bwrap are looked for"},
    EnvironmentVariable{"SLURM_ARRAY_TASK_ID", "a build job's task (kevolve worker build)"},
    EnvironmentVariable{"SLURMD_NODENAME", "the node a worker job runs on, for messages"},
    EnvironmentVariable{"CUDACXX", "the CUDA compiler, for measuring peaks"},
    EnvironmentVariable{"HIPCXX", "the HIP compiler, for measuring peaks"},
    EnvironmentVariable{"CUDA_PATH", "the CUDA toolkit (scanning, peaks)"},
    EnvironmentVariable{"ROCM_PATH", "the ROCm installation (scanning, peaks)"},
    EnvironmentVariable{"USER", "who accepted a winner that waited for review (kevolve accept)"},
    EnvironmentVariable{"TERM", "`dumb`: no redrawn progress line"},
    EnvironmentVariable{"NO_COLOR", "set: no colour"},
};

}  // namespace

std::span<const EnvironmentVariable> environment_variables() { return k_variables; }

std::optional<std::string> environment(std::string_view name) {
  bool known = std::any_of(k_variables.begin(), k_variables.end(),
                           [&](const EnvironmentVariable& v) { return v.name == name; });
  assert(known && "an environment variable missing from util/environment.cpp's table");
  if (!known) return std::nullopt;
  const char* value = std::getenv(std::string(name).c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

bool is_variable_name(std::string_view name) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return !name.empty() && letter(name[0]) &&
         std::all_of(name.begin(), name.end(), [&](char c) { return letter(c) || digit(c); });
}

std::optional<std::string> secret_from_environment(std::string_view name) {
  if (!is_variable_name(name)) return std::nullopt;
  const char* value = std::getenv(std::string(name).c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::filesystem::path find_on_path(std::string_view name) {
  auto path = environment("PATH");
  if (!path) return {};
  std::string_view dirs = *path;
  while (!dirs.empty()) {
    std::string_view dir = dirs.substr(0, dirs.find(':'));
    dirs.remove_prefix(std::min(dirs.size(), dir.size() + 1));
    std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace kevolve::util
