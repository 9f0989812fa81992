#pragma once

// Stage: LLM-written code variants (docs/llm.md, docs/agent.md), after the parameter search: the
// `tree` strategy (tool/agent/). The original kernel with its best point is the root; each step
// the policy picks a node and an expansion: its parameters searched further, or a rewrite asked
// for in a context mode (its lineage, its siblings, a partner to combine, or fresh). A rewrite's
// prompt (tool/variant/prompt.hpp) carries the node's code, its diagnosis in words and the
// passages retrieved for it; the answer is read (tool/variant/answer.hpp), spliced into a copy of
// the kernel's file (tool/variant/splice.hpp), checked (analyzers/variant_check.hpp) and its own
// space searched through the same evaluation as the unit's points. The next call goes out while
// an answer is checked and searched. Every step ends in a trial-log line, which is also the
// tree's memory: a resumed tune rebuilds the tree from it and asks only new questions. Each
// correct variant's best point goes to the verdict, where it must beat the defaults like any
// candidate.

#include "analyzers/variant_check.hpp"
#include "backends/candidate.hpp"
#include "backends/peaks.hpp"
#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"
#include "space/space.hpp"
#include "tool/agent/policy.hpp"
#include "tool/agent/tree.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/llm/provider.hpp"
#include "tool/retrieval/skills.hpp"
#include "tool/tune/candidates.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/verdict.hpp"
#include "tool/variant/prompt.hpp"
#include "util/expected.hpp"
#include "util/files.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kevolve::tune {

// What the passages of a prompt are chosen by: the device, the node's bound, and the text of
// its kernel and diagnosis.
struct PassageQuery {
  std::string backend, arch, bound, text;
};

// How a tune asks for variants; the CLI makes it from `--llm` and its settings.
struct VariantSetup {
  llm::Provider* provider = nullptr;
  std::uint64_t calls = 3;            // LLM calls per unit
  std::uint64_t budget = 8;           // evaluations of each variant's space
  std::uint64_t tokens = 0;           // prompt and answer tokens per unit (0: no limit)
  std::optional<double> target_peak;  // stop once the best reaches this % of the measured peak
  int stall = 0;                      // stop after this many rewrites without a better one
  agent::PolicySettings policy;
  // The passages for a prompt (tool/retrieval/, docs/retrieval.md); unset: none.
  std::function<std::vector<variant::Passage>(const PassageQuery&)> passages;
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
  eval::Evaluation& evaluator;
  const TrialKey& key;  // the unit's; a variant's lines carry its hash besides
  const util::PathBeneath& log_file;
  const backends::Description& described;
  const std::optional<backends::Peaks>& peaks;
  Progress& progress;
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  bool evaluate_while_building = false;
  double time_limit_s = 0;  // --time: since the unit's tune started (0: none)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The best so far, as the next prompt shows it.
struct Standing {
  std::string params;  // "X=4"
  double best_s = 0;
  double baseline_s = 0;
  knowledge::ParamValues best;  // that point
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
  // again, rebuilds the tree from the trial log, then expands it until a limit (VariantSetup)
  // stops it. An error: the trial log cannot be written, or builds fail for the environment's
  // reason.
  util::Expected<void> run(Standing standing, const std::optional<knowledge::VariantRef>& previous);

  // Each correct variant's best point, for the verdict.
  std::vector<Contender> contenders() const;
  // The committed form of a variant that won, by its hash.
  const VariantRun* find(const std::string& hash) const;
  // What a winning variant teaches (docs/retrieval.md, "Skills"): what changed in the model's
  // words and a diff summary, the diagnosis before (the original's best) and after, the speedup;
  // none for a variant the tree does not hold.
  std::optional<retrieval::Skill> skill_of(const std::string& hash) const;
  std::uint64_t evaluations() const { return m_evaluations; }

 private:
  // A rewrite asked for: its node, its prompt, and the call in flight.
  struct Call {
    agent::Expansion expansion;
    int node = 0;
    variant::ComposedPrompt prompt;
    std::vector<std::string> passages;  // the retrieved passages' ids
    std::string variant;                // the answer's hash, once read
    std::string from;                   // "the original", "variant 1a2b3c4d": for the progress line
    std::future<util::Expected<llm::Reply>> reply;
  };

  util::Expected<void> recall(const knowledge::VariantRef& previous);
  util::Expected<void> replay();
  util::Expected<agent::Result> replayed(const knowledge::TrialRecord& line, int node);
  util::Expected<void> expand(const variant::PromptContext& base);
  util::Expected<void> deepen(int node);
  Call start(const agent::Expansion& expansion, const variant::PromptContext& base);
  void launch_call(Call& call);
  util::Expected<agent::Result> answer(Call& call);
  util::Expected<agent::Result> reject(const std::string& hash, const std::string& reason,
                                       const util::Json& llm, const std::string& explanation,
                                       const std::string& status = "rejected");
  util::Expected<agent::Result> search(VariantRun& run, const util::Json& llm,
                                       const std::string& explanation, std::uint64_t budget);
  util::Expected<std::unique_ptr<VariantRun>> splice_and_check(const std::string& code,
                                                               std::string& rejection);
  TrialKey key_of(const std::string& hash) const;
  util::Json llm_json(const Call& call, const llm::Reply* reply) const;
  std::optional<std::string> stop_reason() const;
  agent::Result diagnosed(agent::Result result,
                          const std::optional<backends::cpu::Counters>& counters) const;
  std::optional<backends::cpu::Counters> counters_of(CandidateEvaluator& candidates,
                                                     const std::string& header);

  const VariantSetup& m_setup;
  VariantInputs m_in;
  agent::Tree m_tree;
  std::vector<std::string> m_code;  // each node's kernel text, by node id
  agent::Spent m_spent;
  std::set<std::string> m_asked;                    // the hashes of the prompts sent (and recalled)
  std::vector<std::unique_ptr<VariantRun>> m_runs;  // stable: contenders point at their builders
  std::uint64_t m_evaluations = 0;
  bool m_refused = false;   // the server refused the key: no more calls
  bool m_repeated = false;  // the last prompt chosen repeated an earlier one
  double m_baseline_s = 0;  // the defaults' time, for the progress line
};

}  // namespace kevolve::tune
