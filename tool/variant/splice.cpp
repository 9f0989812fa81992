// TEMPORARY (branch ship): a minimal splice to test the build's side until branch `variant`
// lands; dropped when merging main.
#include "tool/variant/splice.hpp"

#include <algorithm>

namespace kevolve::variant {

namespace {

std::string line_directive(std::size_t line, std::string_view path) {
  std::string escaped;
  for (char c : path) {
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += c;
  }
  return "#line " + std::to_string(line) + " \"" + escaped + "\"\n";
}

}  // namespace

Spliced splice(const SpliceInput& in) {
  Spliced out;
  std::string_view before = in.source.substr(0, in.begin);
  out.text.append(before);
  if (!before.empty() && before.back() != '\n') out.text += '\n';
  out.text += line_directive(1, in.variant_path);
  out.code_begin = out.text.size();
  out.text.append(in.code);
  out.code_end = out.text.size();
  if (out.text.back() != '\n') out.text += '\n';
  std::size_t line =
      1 + static_cast<std::size_t>(
              std::count(in.source.begin(), in.source.begin() + static_cast<long>(in.end), '\n'));
  out.text += line_directive(line, in.source_path);
  // The rest of the kernel's last line keeps its column only approximately.
  out.text.append(in.source.substr(in.end));
  return out;
}

}  // namespace kevolve::variant
