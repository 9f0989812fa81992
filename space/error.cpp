#include "space/error.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::space {

std::string format_error(const SpaceError& error, std::string_view text, std::string_view origin) {
  auto pos = util::position_of(text, error.offset);
  std::string_view line = util::line_at(text, error.offset);
  std::string out = fmt::format("{}:{}:{}: {}\n  {}\n  {:>{}}", origin, pos.line, pos.column,
                                error.message, line, "^", pos.column);
  if (!error.note.empty()) out += fmt::format("\nnote: {}", error.note);
  return out;
}

}  // namespace kevolve::space
