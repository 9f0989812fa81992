#pragma once

// What the tuning stages need from the evaluation of one unit's candidates: building them,
// evaluating one, re-timing several against each other and re-verifying one, and building the
// defaults afresh to tell a broken environment from failing candidates. An eval::Evaluation does
// it for real (EvaluatorCandidates: here or on a cluster, tool/executor/); the stages' tests use
// fakes that answer in microseconds.

#include "backends/build.hpp"
#include "backends/candidate.hpp"
#include "tool/eval/evaluation.hpp"
#include "tool/eval/evaluator.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::tune {

class CandidateEvaluator {
 public:
  virtual ~CandidateEvaluator() = default;
  // Thread-safe: candidates build in parallel.
  virtual backends::Build build(const std::string& header, const std::string& tag) const = 0;
  // One candidate at a time.
  virtual eval::Trial evaluate(const backends::Build& build, const std::string& tag) = 0;
  // Each executable's median per round (NaN where a run failed); the first is the defaults'.
  virtual std::vector<std::vector<double>> interleaved(
      const std::vector<std::filesystem::path>& executables, int rounds, std::uint64_t seed) = 0;
  virtual eval::Trial reverify(const std::filesystem::path& executable) = 0;
  // The CPU's hardware counters of an executable (eval::Evaluator::counters), as recorded.
  virtual util::Expected<util::Json> counters(const std::filesystem::path& executable) = 0;
  virtual const std::filesystem::path& baseline_executable() const = 0;
  // Builds the defaults again with nothing taken from a cache: whether the environment still
  // builds what built when the tune started.
  virtual backends::Build rebuild_defaults() = 0;
};

class EvaluatorCandidates final : public CandidateEvaluator {
 public:
  // `variant`: the recipe of a code variant (its spliced file in place of the kernel's), whose
  // candidates are built from it and judged against the unit's reference all the same.
  EvaluatorCandidates(eval::Evaluation& evaluator, const backends::CandidateRecipe& recipe,
                      const backends::CandidateRecipe* variant = nullptr)
      : m_evaluator(evaluator), m_recipe(recipe), m_variant(variant) {}
  backends::Build build(const std::string& header, const std::string& tag) const override {
    return m_evaluator.build(m_variant ? *m_variant : m_recipe, header, tag);
  }
  eval::Trial evaluate(const backends::Build& build, const std::string& tag) override {
    return m_evaluator.evaluate(build, tag);
  }
  std::vector<std::vector<double>> interleaved(const std::vector<std::filesystem::path>& exes,
                                               int rounds, std::uint64_t seed) override {
    return m_evaluator.interleaved(exes, rounds, seed);
  }
  eval::Trial reverify(const std::filesystem::path& executable) override {
    return m_evaluator.reverify(executable);
  }
  util::Expected<util::Json> counters(const std::filesystem::path& executable) override {
    auto counted = m_evaluator.counters(executable);
    if (!counted) return util::unexpected(counted.error());
    return backends::cpu::to_json(*counted);
  }
  const std::filesystem::path& baseline_executable() const override {
    return m_evaluator.baseline_executable();
  }
  backends::Build rebuild_defaults() override;

 private:
  eval::Evaluation& m_evaluator;
  const backends::CandidateRecipe& m_recipe;  // the unit's: rebuild_defaults() builds its defaults
  const backends::CandidateRecipe* m_variant;
  unsigned m_rebuilds = 0;
};

}  // namespace kevolve::tune
