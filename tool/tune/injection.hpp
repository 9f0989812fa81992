#pragma once

// How a value reaches a marked kernel: the one place that writes the injected-macro format,
// the contract with include/kevolve/kevolve.hpp (docs/design.md §2). KEVOLVE_PARAM(unit, NAME,
// default) picks the second of "KEVOLVE_TUNED_<unit>_<NAME>, default" once the macro expands
// to "~, <value>"; a unit whose space says `inject: macros` gets plain `#define NAME <value>`.
//
// The header is compiled into every build, and the points come from a committed knowledge
// directory, so nothing else can be written: names are the space's parameters (identifiers, as
// the space parser reads them), values integer literals or the space's own identifiers. Any text
// of another form is refused, so no newline, directive or stray token can reach the header.

#include "analyzers/scan.hpp"
#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "space/spec.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace kevolve::tune {

// The #define lines that inject `point` of `space` (the unit's current space) into `unit`, one a
// line, as its `inject` mode says. Refuses a point that is not one of the space's, and any unit
// name, parameter name or value not of the form above (a second line of defence: the space
// parser admits none).
util::Expected<std::string> render_unit(const analyzers::Unit& unit, const space::Space& space,
                                        const space::Point& point);

// The same lines for parameter values by name (candidates, whose values come from the space
// being searched); the same refusals but for the membership check.
util::Expected<std::string> injected_defines(std::string_view unit, space::InjectMode mode,
                                             const knowledge::ParamValues& params);

}  // namespace kevolve::tune
