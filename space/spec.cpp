#include "space/spec.hpp"

#include <algorithm>

namespace kevolve::space {

std::string Value::to_string() const {
  return is_integer() ? std::to_string(integer()) : identifier();
}

bool Parameter::is_integer() const {
  return std::all_of(values.begin(), values.end(), [](const Value& v) { return v.is_integer(); });
}

int SpaceSpec::find_parameter(std::string_view name) const {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace kevolve::space
