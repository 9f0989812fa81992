#include "tool/tune/build_check.hpp"

#include "backends/platform.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

namespace {

std::vector<std::string> kernel_flags(const backends::CandidateRecipe& recipe) {
  std::vector<std::string> flags;
  std::size_t kernels = recipe.sources.size() > 1 ? recipe.sources.size() - 1 : 1;
  for (std::size_t i = 0; i < kernels && i < recipe.sources.size(); ++i)
    flags.insert(flags.end(), recipe.sources[i].flags.begin(), recipe.sources[i].flags.end());
  return flags;
}

bool recorded_optimised(const knowledge::Wisdom& wisdom) {
  const util::Json& build = wisdom.device.extra.value("build", util::Json::object());
  return build.value("optimised", true);
}

}  // namespace

bool kernel_optimised(const backends::CandidateRecipe& recipe) {
  return backends::platform_of(recipe.backend).optimised(kernel_flags(recipe));
}

util::Json build_json(const backends::CandidateRecipe& recipe) {
  std::string_view level = backends::last_optimisation_flag(kernel_flags(recipe));
  return util::Json{{"optimised", kernel_optimised(recipe)},
                    {"optimisation", level.empty() ? "none" : std::string(level)}};
}

BuildCheck check_build(const backends::CandidateRecipe& recipe,
                       const std::optional<knowledge::Wisdom>& existing) {
  BuildCheck check;
  if (kernel_optimised(recipe)) return check;
  std::string level(backends::last_optimisation_flag(kernel_flags(recipe)));
  std::string why = fmt::format("this build's kernel sources are not optimised ({})",
                                level.empty() ? "no -O flag" : level);
  if (existing && recorded_optimised(*existing)) {
    check.refusal = why +
                    ": its timings would replace a winner measured in an optimised build; tune a "
                    "Release build (or remove that wisdom file to replace it)";
  } else {
    check.warning = why + ": its winners describe this build only";
  }
  return check;
}

}  // namespace kevolve::tune
