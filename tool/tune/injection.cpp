#include "tool/tune/injection.hpp"

#include <fmt/format.h>

namespace kevolve::tune {

std::string injected_defines(std::string_view unit, space::InjectMode mode,
                             const knowledge::ParamValues& params) {
  std::string text;
  for (const auto& [name, value] : params) {
    if (mode == space::InjectMode::macros) {
      text += fmt::format("#define {} {}\n", name, value.to_string());
    } else {
      text += fmt::format("#define KEVOLVE_TUNED_{}_{} ~, {}\n", unit, name, value.to_string());
    }
  }
  return text;
}

}  // namespace kevolve::tune
