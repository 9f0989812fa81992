#pragma once

// Between a unit's points in its space and the parameter values the knowledge directory and
// the injected header speak: by name, in the space's declaration order.

#include "analyzers/scan.hpp"
#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>

namespace kevolve::tune {

// The unit's current space as this machine can judge it: with `facts` (its device's) where
// known, else the part every device shares (space/any_device.hpp). A space with an error or
// without a valid point is an error at the marker's file:line:col.
util::Expected<space::Space> unit_space(const analyzers::Unit& unit, const space::Facts* facts);

knowledge::ParamValues params_of(const space::Space& space, const space::Point& point);

// The point with these values, if every name and value is the space's and the point is valid.
std::optional<space::Point> point_of(const space::Space& space,
                                     const knowledge::ParamValues& params);

// The unit's defaults as parameter values (a default kevolve could not evaluate stays text).
knowledge::ParamValues defaults_params(const analyzers::Unit& unit);

// The defaults as a point of the space, if every default is one of its values.
std::optional<space::Point> defaults_point(const space::Space& space, const analyzers::Unit& unit);

// "BLOCK=256 ITEMS=4".
std::string params_text_of(const knowledge::ParamValues& params);

// The header of one candidate of `unit`: what injects `params`.
std::string candidate_header(const analyzers::Unit& unit, const knowledge::ParamValues& params);

}  // namespace kevolve::tune
