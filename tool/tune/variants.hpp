#pragma once

// Stage: LLM-written code variants (docs/llm.md), after the parameter search. Up to `calls`
// times: a prompt (tool/variant/prompt.hpp) from the kernel, its harness and what the tune has
// measured, the earlier variants included; the answer read (tool/variant/answer.hpp) and spliced
// into a copy of the kernel's file (tool/variant/splice.hpp); the static checks
// (analyzers/variant_check.hpp); then the variant's own space searched with a small budget
// through the same evaluation as the unit's points (the same reference outputs, seeds, sandbox
// and gates). Every step ends in a trial-log line; each correct variant's best point goes to the
// verdict, where it must beat the defaults like any candidate.

#include "analyzers/variant_check.hpp"
#include "backends/candidate.hpp"
#include "backends/peaks.hpp"
#include "knowledge/store.hpp"
#include "space/space.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/llm/provider.hpp"
#include "tool/tune/candidates.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/verdict.hpp"
#include "tool/variant/prompt.hpp"
#include "util/expected.hpp"
#include "util/files.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

// How a tune asks for variants; the CLI makes it from `--llm` and its settings.
struct VariantSetup {
  llm::Provider* provider = nullptr;
  std::uint64_t calls = 3;           // LLM calls per unit
  std::uint64_t budget = 8;          // evaluations of each variant's space
  std::filesystem::path source_dir;  // the project's: prompts name files relative to it
  // The static checks with the target's flags (the CLI binds its scan request).
  std::function<analyzers::VariantCheck(const analyzers::Unit&, const analyzers::VariantSource&)>
      check;
};

// The prompt's fixed part for `unit`: its kernel, file and harness, with nothing measured yet.
util::Expected<variant::PromptContext> prompt_context(const analyzers::Unit& unit,
                                                      const std::filesystem::path& source_dir,
                                                      std::string backend, std::string device);

// What the stage takes from the unit's tune.
struct VariantInputs {
  const analyzers::Unit& unit;
  const backends::CandidateRecipe& recipe;
  const backends::Device& device;
  const knowledge::KnowledgeDir& knowledge;
  eval::Evaluator& evaluator;
  const TrialKey& key;  // the unit's; a variant's lines carry its hash besides
  const util::PathBeneath& log_file;
  const backends::Description& described;
  const std::optional<backends::Peaks>& peaks;
  Progress& progress;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  bool evaluate_while_building = false;
};

// The best so far, as the next prompt shows it.
struct Standing {
  std::string params;  // "X=4"
  double best_s = 0;
  double baseline_s = 0;
};

// One variant whose checks passed: what it needs to be searched, re-timed and recorded.
struct VariantRun {
  knowledge::VariantRef ref;
  std::string code;
  analyzers::Unit unit;
  std::unique_ptr<space::Space> space;
  backends::CandidateRecipe recipe;
  std::unique_ptr<EvaluatorCandidates> candidates;
  History history;
};

class VariantStage {
 public:
  VariantStage(const VariantSetup& setup, VariantInputs in) : m_setup(setup), m_in(in) {}

  // Searches `previous` (the variant that won before; the caller checks it fits the kernel)
  // again, then asks for up to `calls` variants and searches each that passes its checks. An
  // error: the trial log cannot be written, or builds fail for the environment's reason.
  util::Expected<void> run(Standing standing, const std::optional<knowledge::VariantRef>& previous);

  // Each correct variant's best point, for the verdict.
  std::vector<Contender> contenders() const;
  // The committed form of a variant that won, by its hash.
  const VariantRun* find(const std::string& hash) const;
  std::uint64_t evaluations() const { return m_evaluations; }

 private:
  util::Expected<void> recall(const knowledge::VariantRef& previous);
  util::Expected<void> ask(const variant::PromptContext& context);
  // `status`: "rejected" (the checks), "duplicate", or "llm_error" (the call failed).
  util::Expected<void> reject(const std::string& hash, const std::string& reason,
                              const util::Json& llm, const std::string& explanation,
                              const std::string& status = "rejected");
  util::Expected<void> search(VariantRun& run, const util::Json& llm,
                              const std::string& explanation);
  util::Expected<std::unique_ptr<VariantRun>> splice_and_check(const std::string& code,
                                                               std::string& rejection);
  TrialKey key_of(const std::string& hash) const;

  const VariantSetup& m_setup;
  VariantInputs m_in;
  std::vector<variant::Attempt> m_attempts;
  std::vector<std::unique_ptr<VariantRun>> m_runs;  // stable: contenders point at their builders
  std::uint64_t m_evaluations = 0;
  bool m_refused = false;
  double m_baseline_s =
      0;  // the defaults' time, for the progress line  // the server refused the key: no more calls
};

}  // namespace kevolve::tune
