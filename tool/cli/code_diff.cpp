#include "tool/cli/code_diff.hpp"

#include <fmt/format.h>

#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace kevolve::tool {

namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_name,
                         std::string_view to_name) {
  if (from == to) return "";
  dtl::Diff<std::string, std::vector<std::string>> diff(lines_of(from), lines_of(to));
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream hunks;
  diff.printUnifiedFormat(hunks);
  return fmt::format("--- {}\n+++ {}\n{}", from_name, to_name, hunks.str());
}

}  // namespace kevolve::tool
