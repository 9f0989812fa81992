#include "tool/search/registry.hpp"

#include "tool/search/strategies/strategies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace kevolve::search {

namespace {

using Maker = std::unique_ptr<Strategy> (*)(const space::Space& space, std::uint64_t seed,
                                            std::optional<space::Point> start);

struct Registered {
  std::string_view name;
  Maker make;
};

// In the order errors and --help list them. cmake/kevolve.cmake validates kevolve_tune's
// STRATEGY against a copy of this list (tests/cli/strategies.bash keeps the two equal).
constexpr std::array<Registered, 8> k_registry = {{
    {"exhaustive", make_exhaustive},
    {"random", make_random},
    {"ils", make_ils},
    {"anneal", make_anneal},
    {"genetic", make_genetic},
    {"tpe", make_tpe},
    {"bayes", make_bayes},
    {"bandit", make_bandit},
}};

constexpr std::array<std::string_view, k_registry.size()> k_names = [] {
  std::array<std::string_view, k_registry.size()> names;
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = k_registry[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> strategy_names() { return k_names; }

std::string_view default_strategy() { return "bayes"; }

std::string check_strategy_name(std::string_view name) {
  if (std::find(k_names.begin(), k_names.end(), name) != k_names.end()) return {};
  return fmt::format("unknown strategy '{}' (known: {})", name, fmt::join(k_names, ", "));
}

util::Expected<std::unique_ptr<Strategy>> make_strategy(std::string_view name,
                                                        const space::Space& space,
                                                        std::uint64_t seed,
                                                        std::optional<space::Point> start) {
  if (start && !space.contains(*start)) start.reset();
  for (const Registered& r : k_registry) {
    if (r.name == name) return r.make(space, seed, std::move(start));
  }
  return util::unexpected(check_strategy_name(name));
}

std::string strategy_for(std::uint64_t space_size, std::uint64_t budget) {
  return space_size <= budget ? "exhaustive" : std::string(default_strategy());
}

}  // namespace kevolve::search
