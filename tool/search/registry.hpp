#pragma once

// The strategies by name: what `tune --strategy`, `simulate --strategy` and kevolve_tune()'s
// STRATEGY accept, and how each is made (one file each under strategies/).

#include "space/space.hpp"
#include "tool/search/strategy.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kevolve::search {

std::span<const std::string_view> strategy_names();
// What `tune` and `simulate` use without --strategy.
std::string_view default_strategy();
// The strategy when none is named: every point when the space fits the budget, else the default.
std::string strategy_for(std::uint64_t space_size, std::uint64_t budget);
// Empty for a known strategy name; else an error that lists the known ones.
std::string check_strategy_name(std::string_view name);

// `start`: a point to try first (the defaults), when it is in the space.
util::Expected<std::unique_ptr<Strategy>> make_strategy(std::string_view name,
                                                        const space::Space& space,
                                                        std::uint64_t seed,
                                                        std::optional<space::Point> start);

}  // namespace kevolve::search
