#include "analyzers/tokens.hpp"

#include <cctype>
#include <cstdlib>

namespace kevolve::analyzers {

std::string take(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

bool decode_literal(std::string_view spelling, std::size_t offset, std::vector<std::size_t>& out) {
  std::size_t i = 0;
  while (i < spelling.size() && spelling[i] != '"' && spelling[i] != 'R') ++i;
  if (i < spelling.size() && spelling[i] == 'R') {
    std::size_t open = spelling.find('(', i);
    std::size_t close = spelling.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
      return false;
    for (std::size_t k = open + 1; k < close; ++k) out.push_back(offset + k);
    return true;
  }
  if (i >= spelling.size() || spelling.back() != '"') return false;
  for (std::size_t k = i + 1; k + 1 < spelling.size(); ++k) {
    std::size_t at = offset + k;
    if (spelling[k] != '\\') {
      out.push_back(at);
      continue;
    }
    char e = spelling[++k];
    if (e >= '0' && e <= '7') {
      for (int n = 1;
           n < 3 && k + 1 < spelling.size() - 1 && spelling[k + 1] >= '0' && spelling[k + 1] <= '7';
           ++n)
        ++k;
      out.push_back(at);
    } else if (e == 'x') {
      while (k + 1 < spelling.size() - 1 &&
             std::isxdigit(static_cast<unsigned char>(spelling[k + 1])))
        ++k;
      out.push_back(at);
    } else if (e == 'u' || e == 'U') {
      std::size_t digits = e == 'u' ? 4 : 8;
      unsigned long code =
          std::strtoul(std::string(spelling.substr(k + 1, digits)).c_str(), nullptr, 16);
      k += digits;
      int bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      for (int b = 0; b < bytes; ++b) out.push_back(at);
    } else {
      out.push_back(at);  // \n \t \\ \" and the other one-character escapes
    }
  }
  return true;
}

std::string_view slice(std::string_view content, std::size_t begin, std::size_t end) {
  if (begin > end || end > content.size()) return {};
  return content.substr(begin, end - begin);
}

MacroArgs macro_args(const Tokens& tokens, unsigned name_index, std::string_view content) {
  MacroArgs args;
  unsigned i = name_index + 1;
  if (i >= tokens.size() || tokens.spelling(i) != "(") return args;
  int depth = 0;
  std::size_t start = 0;
  unsigned first = 0;
  bool empty = true;
  for (++i; i < tokens.size(); ++i) {
    std::string s = tokens.spelling(i);
    bool at_top = depth == 0;
    if (at_top && (s == "," || s == ")")) {
      std::size_t end = empty ? start : tokens.end(i - 1);
      args.text.push_back(empty ? std::string() : std::string(slice(content, start, end)));
      args.first_token.push_back(first);
      empty = true;
      if (s == ")") {
        args.complete = true;
        return args;
      }
      continue;
    }
    if (empty) {
      start = tokens.begin(i);
      first = i;
      empty = false;
    }
    if (s == "(" || s == "[" || s == "{") ++depth;
    if (s == ")" || s == "]" || s == "}") --depth;
  }
  return args;
}

}  // namespace kevolve::analyzers
