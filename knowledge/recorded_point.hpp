#pragma once

// Whether parameter values read from a knowledge directory may reach a build. Committed wisdom
// is untrusted input (anyone can write a file with the right kernel hash), so a recorded point is
// used only when it is a point of the unit's current space: its names are exactly the space's
// parameters, each once (a missing one makes it unusable: kevolve never records part of a
// point), each value is one of its parameter's values, and the combination satisfies the
// constraints. Where no space is at hand, the form alone is checked.

#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kevolve::knowledge {

// The point that `params` names in `space`, or why they name none (one line).
util::Expected<space::Point> recorded_point(const space::Space& space, const ParamValues& params);

// Why `params` cannot be a point of any space, if so: a name that is not an identifier, or a
// value that is neither an integer nor an identifier.
std::optional<std::string> form_problem(const ParamValues& params);

bool is_identifier(std::string_view text);

// `text` quoted for a one-line message: control and non-ASCII bytes escaped, long text cut.
std::string quote(std::string_view text);

}  // namespace kevolve::knowledge
