#include "space/error.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::space {

namespace {

// How much of a long line the excerpt shows before and after the column: an error in a
// 40,000-character space shows its neighbourhood, not the whole line.
constexpr std::size_t k_before = 60;
constexpr std::size_t k_after = 20;

}  // namespace

std::string format_error(const SpaceError& error, std::string_view text, std::string_view origin) {
  auto pos = util::position_of(text, error.offset);
  std::string_view line = util::line_at(text, error.offset);
  std::size_t column = static_cast<std::size_t>(pos.column - 1);
  std::size_t caret = column + 1;  // 1-based, within the excerpt
  std::string excerpt;
  if (line.size() <= k_before + k_after + 1) {
    excerpt = std::string(line);
  } else {
    std::size_t begin = column > k_before ? column - k_before : 0;
    std::size_t end = std::min(line.size(), column + k_after + 1);
    excerpt = fmt::format("{}{}{}", begin > 0 ? "..." : "", line.substr(begin, end - begin),
                          end < line.size() ? "..." : "");
    caret = column - begin + 1 + (begin > 0 ? 3 : 0);
  }
  std::string out = fmt::format("{}:{}:{}: {}\n  {}\n  {:>{}}", origin, pos.line, pos.column,
                                error.message, excerpt, "^", caret);
  if (!error.note.empty()) out += fmt::format("\nnote: {}", error.note);
  return out;
}

}  // namespace kevolve::space
