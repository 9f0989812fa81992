#include "tool/tune/points.hpp"

#include "tool/tune/injection.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

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
  return fmt::format("// kevolve candidate of unit {}\n", unit.name) +
         injected_defines(unit.name, unit.inject, params);
}

}  // namespace kevolve::tune
