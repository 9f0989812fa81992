#pragma once

#include "space/error.hpp"
#include "space/spec.hpp"
#include "util/expected.hpp"

#include <string_view>

namespace kevolve::space {

// Most values one parameter may have (value indices are 16-bit).
inline constexpr std::size_t k_max_values = 65536;

// Deepest a condition may nest: each parenthesis pair, unary and binary operator adds a level
// to what it encloses; the && that join a require item's conditions at its top level do not.
// Parsing and evaluation recurse once per level, so this bounds their stack.
inline constexpr std::size_t k_max_depth = 100;

// Parses a space string (docs/design.md §3). A space of more than 2^64 points before constraints
// is refused as soon as a parameter takes it there, as Space::build would refuse it. Names in
// constraints must be declared parameters with integer values or known hardware facts; fact values
// are looked up later, by Space::build.
util::Expected<SpaceSpec, SpaceError> parse_space(std::string_view text);

}  // namespace kevolve::space
