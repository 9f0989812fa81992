#include "tool/variant/splice.hpp"

// How this works (docs/variants.md, "Splicing"): the spliced text is
//
//   #line 1 "<source>"          the original's lines keep their numbers and their file name
//   <source before begin>       (a line break added when begin is not at a line's start)
//   #line 1 "<variant>"         the variant's lines are numbered in its own file
//   <code>
//   #line L "<source>"          L: the line of `end` in the original, so what follows keeps
//   <source from end>           its own numbers
//
// The spliced copy lives elsewhere (under the build directory), and compilers look for a quoted
// #include first in the directory of the file that includes it: each `#include "x"` of the
// original's text whose target exists beside the original becomes `#include "/abs/dir/x"`, one
// line for one line. The variant's own includes are left alone (the checks allow only a short
// list of system headers). Paths in #line are string literals: backslashes, quotes and control
// characters are escaped. A header name has no escapes: an include whose absolute path holds a
// quote or a line break stays as written.

#include <filesystem>
#include <system_error>

namespace kevolve::variant {

namespace fs = std::filesystem;

namespace {

std::string line_directive(std::size_t line, std::string_view path) {
  std::string out = "#line " + std::to_string(line) + " \"";
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      const char* digits = "01234567";
      out += '\\';
      out += digits[(u >> 6) & 7];
      out += digits[(u >> 3) & 7];
      out += digits[u & 7];
    } else {
      out += c;
    }
  }
  return out + "\"\n";
}

// `line` with its quoted include made absolute when the target exists in `dir`.
std::string absolute_include(std::string_view line, const fs::path& dir) {
  std::size_t i = 0;
  auto blanks = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  blanks();
  if (i >= line.size() || line[i] != '#') return std::string(line);
  ++i;
  blanks();
  constexpr std::string_view k_include = "include";
  if (line.substr(i, k_include.size()) != k_include) return std::string(line);
  i += k_include.size();
  blanks();
  if (i >= line.size() || line[i] != '"') return std::string(line);
  std::size_t close = line.find('"', i + 1);
  if (close == std::string_view::npos || close == i + 1) return std::string(line);
  fs::path name(std::string(line.substr(i + 1, close - i - 1)));
  if (name.is_absolute()) return std::string(line);
  std::error_code ec;
  fs::path target = (dir / name).lexically_normal();
  if (!fs::is_regular_file(target, ec)) return std::string(line);
  std::string path = target.string();
  if (path.find_first_of("\"\n\r") != std::string::npos) return std::string(line);
  return std::string(line.substr(0, i + 1)) + path + std::string(line.substr(close));
}

// Appends `text` with its quoted includes made absolute, line by line.
void append_resolved(std::string& out, std::string_view text, const fs::path& dir) {
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t newline = text.find('\n', pos);
    std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    std::string_view line = text.substr(pos, next - pos);
    bool maybe = line.find('#') != std::string_view::npos && dir != fs::path();
    out += maybe ? absolute_include(line, dir) : std::string(line);
    pos = next;
  }
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

Spliced splice(const SpliceInput& input) {
  std::string_view source = input.source;
  std::size_t end = std::min(input.end, source.size());
  std::size_t begin = std::min(input.begin, end);
  std::error_code ec;
  fs::path original(std::string(input.source_path));
  fs::path dir = original.empty() ? fs::path() : fs::absolute(original, ec).parent_path();
  if (ec) dir.clear();

  Spliced out;
  out.text.reserve(source.size() + input.code.size() + 3 * input.source_path.size() + 128);
  out.text += line_directive(1, input.source_path);
  append_resolved(out.text, source.substr(0, begin), dir);
  if (begin > 0 && source[begin - 1] != '\n') out.text += '\n';
  out.text += line_directive(1, input.variant_path);
  out.code_begin = out.text.size();
  out.text += input.code;
  if (!input.code.empty() && input.code.back() != '\n') out.text += '\n';
  out.code_end = out.text.size();
  out.text += line_directive(line_of(source, end), input.source_path);
  append_resolved(out.text, source.substr(end), dir);
  return out;
}

}  // namespace kevolve::variant
