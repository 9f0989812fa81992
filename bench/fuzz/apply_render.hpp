#pragma once

// The apply renderer under fuzzing: a wisdom file's text, recorded for one fixed unit (a small
// space of integers and identifiers), turned into the header a build includes. The glue is here
// so that it can point at other renderer functions without touching the checks.

#include "space/spec.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kevolve::fuzz {

struct RenderedUnit {
  std::string header;    // the whole rendered header
  std::string prologue;  // its opening lines (what an empty injection is)
};

// The fixed unit's name and space, and the parameter names of that space in order.
std::string_view fuzz_unit();
std::string_view fuzz_space();
std::vector<std::string> fuzz_parameters();
// Each parameter with whether its values are integers (else identifiers).
std::vector<std::pair<std::string, bool>> fuzz_parameters_kinds();

// Renders the header for `wisdom_text` saved as the unit's wisdom; none when apply refuses it
// (an error: the build stops with a message, which is allowed).
std::optional<RenderedUnit> render(std::string_view wisdom_text, space::InjectMode mode);

// Aborts unless every line after the prologue is blank, a one-line comment, or a define of one of
// the unit's parameters in the contract's form, and the defines make a valid point or none.
void check_rendered(const RenderedUnit& rendered, space::InjectMode mode);

}  // namespace kevolve::fuzz
