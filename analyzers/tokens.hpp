#pragma once

// Source text through libclang's tokens: a token range freed on scope exit, string literals
// decoded with the source offset of every byte (so a space string's errors point into the
// file), and the arguments of a function-like macro use split at top-level commas.

#include <clang-c/Index.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::analyzers {

// The text of a libclang string, which it frees.
std::string take(CXString s);

// Tokens of a range, freed on scope exit.
class Tokens {
 public:
  Tokens(CXTranslationUnit tu, CXSourceRange range) : m_tu(tu) {
    clang_tokenize(tu, range, &m_tokens, &m_count);
  }
  ~Tokens() {
    if (m_tokens) clang_disposeTokens(m_tu, m_tokens, m_count);
  }
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  unsigned size() const { return m_count; }
  CXToken operator[](unsigned i) const { return m_tokens[i]; }
  std::string spelling(unsigned i) const { return take(clang_getTokenSpelling(m_tu, m_tokens[i])); }
  CXTokenKind kind(unsigned i) const { return clang_getTokenKind(m_tokens[i]); }
  std::size_t begin(unsigned i) const {
    return offset_of(clang_getRangeStart(clang_getTokenExtent(m_tu, m_tokens[i])));
  }
  std::size_t end(unsigned i) const {
    return offset_of(clang_getRangeEnd(clang_getTokenExtent(m_tu, m_tokens[i])));
  }
  CXSourceLocation location(unsigned i) const { return clang_getTokenLocation(m_tu, m_tokens[i]); }

  static std::size_t offset_of(CXSourceLocation loc) {
    unsigned offset = 0;
    clang_getFileLocation(loc, nullptr, nullptr, nullptr, &offset);
    return offset;
  }

 private:
  CXTranslationUnit m_tu;
  CXToken* m_tokens = nullptr;
  unsigned m_count = 0;
};

// Decodes one C/C++ string literal token, mapping each byte of its value to the source offset
// where that byte (or the escape that produced it) is written.
bool decode_literal(std::string_view spelling, std::size_t offset, std::vector<std::size_t>& out);

// content[begin, end) or "" when the range is not inside it.
std::string_view slice(std::string_view content, std::size_t begin, std::size_t end);

// The arguments of a function-like macro use, as source text, split at top-level commas.
struct MacroArgs {
  std::vector<std::string> text;
  std::vector<unsigned> first_token;  // index of each argument's first token
  bool complete = false;
};

MacroArgs macro_args(const Tokens& tokens, unsigned name_index, std::string_view content);

}  // namespace kevolve::analyzers
