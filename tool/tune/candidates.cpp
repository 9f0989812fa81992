#include "tool/tune/candidates.hpp"

#include "backends/build.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

namespace fs = std::filesystem;

backends::Build EvaluatorCandidates::rebuild_defaults() {
  // A cache of its own, emptied before and after: every compile and the link run again.
  backends::CandidateRecipe fresh = m_recipe;
  fresh.cache_dir = m_recipe.work_dir / fmt::format("environment-probe-{}", m_rebuilds++);
  std::error_code ec;
  fs::remove_all(fresh.cache_dir, ec);
  backends::Build build = m_evaluator.build(fresh, eval::k_defaults_header, "environment-probe");
  fs::remove_all(fresh.cache_dir, ec);
  return build;
}

}  // namespace kevolve::tune
