#pragma once

// How a value reaches a marked kernel: the one place that writes the injected-macro format,
// the contract with include/kevolve/kevolve.hpp (docs/design.md §2). KEVOLVE_PARAM(unit, NAME,
// default) picks the second of "KEVOLVE_TUNED_<unit>_<NAME>, default" once the macro expands
// to "~, <value>"; a unit whose space says `inject: macros` gets plain `#define NAME <value>`.

#include "knowledge/wisdom.hpp"
#include "space/spec.hpp"

#include <string>
#include <string_view>

namespace kevolve::tune {

// The #define lines that inject `params` into unit `unit`, one a line.
std::string injected_defines(std::string_view unit, space::InjectMode mode,
                             const knowledge::ParamValues& params);

}  // namespace kevolve::tune
