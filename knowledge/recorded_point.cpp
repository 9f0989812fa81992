#include "knowledge/recorded_point.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace kevolve::knowledge {

namespace {

constexpr std::size_t k_quoted_length = 60;  // bytes of a name or value shown in a message

std::string value_text(const space::Value& value) {
  return value.is_integer() ? std::to_string(value.integer()) : quote(value.identifier());
}

std::string values_text(const space::Parameter& p) {
  std::string out;
  for (std::size_t i = 0; i < p.values.size() && i < 8; ++i)
    out += (i ? ", " : "") + p.values[i].to_string();
  if (p.values.size() > 8) out += fmt::format(", ... ({} values)", p.values.size());
  return out;
}

std::string names_text(const space::Space& space) {
  std::string out;
  for (const space::Parameter& p : space.parameters()) out += (out.empty() ? "" : ", ") + p.name;
  return out.empty() ? "none" : out;
}

}  // namespace

bool is_identifier(std::string_view text) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return !text.empty() && letter(text.front()) &&
         std::all_of(text.begin(), text.end(), [&](char c) { return letter(c) || digit(c); });
}

std::string quote(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < k_quoted_length; ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\' || byte == '\'') {
      out += '\\';
      out += text[i];
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += text[i];
    }
  }
  if (text.size() > k_quoted_length) out += "...";
  return out + "'";
}

std::optional<std::string> form_problem(const ParamValues& params) {
  for (const auto& [name, value] : params) {
    if (!is_identifier(name))
      return fmt::format("parameter name {} is not an identifier", quote(name));
    if (!value.is_integer() && !is_identifier(value.identifier())) {
      return fmt::format("the value {} of {} is neither an integer nor an identifier",
                         quote(value.identifier()), name);
    }
  }
  return std::nullopt;
}

util::Expected<space::Point> recorded_point(const space::Space& space, const ParamValues& params) {
  const auto& parameters = space.parameters();
  space::Point point(parameters.size());
  std::vector<bool> given(parameters.size(), false);
  for (const auto& [name, value] : params) {
    int p = space.spec().find_parameter(name);
    if (p < 0) {
      return util::unexpected(fmt::format("{} is not a parameter of the space (its parameters: {})",
                                          quote(name), names_text(space)));
    }
    auto index = static_cast<std::size_t>(p);
    if (given[index]) return util::unexpected(fmt::format("parameter {} is given twice", name));
    given[index] = true;
    auto v = space.find_value(index, value);
    if (!v) {
      return util::unexpected(fmt::format("{} = {} is not one of its values ({})", name,
                                          value_text(value), values_text(parameters[index])));
    }
    point[index] = *v;
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!given[i])
      return util::unexpected(fmt::format("no value for parameter {}", parameters[i].name));
  }
  if (!space.contains(point)) {
    return util::unexpected(fmt::format("{} breaks the space's constraints", space.format(point)));
  }
  return point;
}

}  // namespace kevolve::knowledge
