#include "tool/tune/points.hpp"

#include "space/any_device.hpp"
#include "space/parser.hpp"
#include "tool/tune/injection.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

util::Expected<space::Space> unit_space(const analyzers::Unit& unit, const space::Facts* facts) {
  auto fail = [&](const space::SpaceError& e) {
    std::string message = fmt::format("{}:{}:{}: in the space of unit '{}': {}", unit.marker.file,
                                      unit.marker.line, unit.marker.column, unit.name, e.message);
    if (!e.note.empty()) message += fmt::format(" ({})", e.note);
    return util::unexpected(std::move(message));
  };
  auto spec = space::parse_space(unit.space);
  if (!spec) return fail(spec.error());
  auto built = facts ? space::Space::build(std::move(*spec), *facts)
                     : space::build_for_any_device(std::move(*spec));
  if (!built) return fail(built.error());
  return std::move(*built);
}

knowledge::ParamValues params_of(const space::Space& space, const space::Point& point) {
  knowledge::ParamValues out;
  for (std::size_t i = 0; i < point.size(); ++i)
    out.emplace_back(space.parameters()[i].name, space.value(point, i));
  return out;
}

std::optional<space::Point> point_of(const space::Space& space,
                                     const knowledge::ParamValues& params) {
  if (params.size() != space.parameters().size()) return std::nullopt;
  space::Point p(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i].first != space.parameters()[i].name) return std::nullopt;
    auto v = space.find_value(i, params[i].second);
    if (!v) return std::nullopt;
    p[i] = *v;
  }
  return space.contains(p) ? std::optional(p) : std::nullopt;
}

knowledge::ParamValues defaults_params(const analyzers::Unit& unit) {
  knowledge::ParamValues out;
  for (const analyzers::Param& p : unit.params)
    out.emplace_back(p.name, p.default_value ? *p.default_value : space::Value(p.default_text));
  return out;
}

std::optional<space::Point> defaults_point(const space::Space& space, const analyzers::Unit& unit) {
  for (const analyzers::Param& param : unit.params) {
    if (!param.default_value) return std::nullopt;
  }
  return point_of(space, defaults_params(unit));
}

std::string params_text_of(const knowledge::ParamValues& params) {
  std::string out;
  for (const auto& [name, value] : params)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value.to_string());
  return out;
}

std::string candidate_header(const analyzers::Unit& unit, const knowledge::ParamValues& params) {
  auto defines = injected_defines(unit.name, unit.inject, params);
  // Unreachable for points of a space; a refused one must fail to build, not build the defaults.
  if (!defines) return "#error kevolve refused to inject this candidate's parameters\n";
  return fmt::format("// kevolve candidate of unit {}\n", unit.name) + *defines;
}

}  // namespace kevolve::tune
