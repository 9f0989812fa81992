#include "tool/tune/injection.hpp"

#include "knowledge/recorded_point.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

util::Expected<std::string> injected_defines(std::string_view unit, space::InjectMode mode,
                                             const knowledge::ParamValues& params) {
  if (!knowledge::is_identifier(unit)) {
    return util::unexpected(
        fmt::format("unit name {} is not an identifier", knowledge::quote(unit)));
  }
  if (auto problem = knowledge::form_problem(params)) return util::unexpected(*problem);
  std::string text;
  for (const auto& [name, value] : params) {
    // Integers print as decimal literals; identifiers were checked above.
    std::string literal = value.is_integer() ? std::to_string(value.integer()) : value.identifier();
    if (mode == space::InjectMode::macros) {
      text += fmt::format("#define {} {}\n", name, literal);
    } else {
      text += fmt::format("#define KEVOLVE_TUNED_{}_{} ~, {}\n", unit, name, literal);
    }
  }
  return text;
}

util::Expected<std::string> render_unit(const analyzers::Unit& unit, const space::Space& space,
                                        const space::Point& point) {
  if (point.size() != space.parameters().size()) {
    return util::unexpected(fmt::format("a point of {} values for a space of {} parameters",
                                        point.size(), space.parameters().size()));
  }
  for (std::size_t i = 0; i < point.size(); ++i) {
    if (point[i] >= space.parameters()[i].values.size()) {
      return util::unexpected(fmt::format("value index {} of parameter {} is out of range",
                                          point[i], space.parameters()[i].name));
    }
  }
  if (!space.contains(point)) {
    return util::unexpected(fmt::format("{} is not a point of the space", space.format(point)));
  }
  knowledge::ParamValues params;
  for (std::size_t i = 0; i < point.size(); ++i)
    params.emplace_back(space.parameters()[i].name, space.value(point, i));
  return injected_defines(unit.name, unit.inject, params);
}

}  // namespace kevolve::tune
