#include "tool/variant/answer.hpp"

// How this works: one pass over the answer's lines (LF or CRLF, a UTF-8 byte order mark
// skipped). A line is an opening fence when, after any indentation, it holds three or more
// backticks or tildes (CommonMark: a backtick fence's info string holds no backtick); the block
// ends at a line of the same character, at least as long, and nothing else. A block's lines lose
// up to the fence's indentation. Every block is judged once, when it closes, by a small lexer
// that skips comments, string, character and raw string literals and looks for the kernel's name
// followed by `(` and for KEVOLVE_TUNE; everything stays linear in the answer's size.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace kevolve::variant {

namespace {

constexpr std::size_t k_max_explanation = 2000;

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// What a block says about the kernel, read with comments and literals skipped.
struct BlockFacts {
  bool defines_kernel = false;
  bool has_marker = false;
};

// Skips a raw string literal R"delim( ... )delim" whose `R` is at `i`; returns the index after it.
std::size_t skip_raw_string(std::string_view code, std::size_t i) {
  std::size_t open = code.find('(', i + 2);
  if (open == std::string_view::npos || open - (i + 2) > 16) return i + 2;
  std::string close = ")" + std::string(code.substr(i + 2, open - (i + 2))) + "\"";
  std::size_t end = code.find(close, open + 1);
  return end == std::string_view::npos ? code.size() : end + close.size();
}

// Skips a quoted literal whose opening quote is at `i`; returns the index after its closing one
// (or the line's end: an unterminated literal ends there, as for a compiler).
std::size_t skip_quoted(std::string_view code, std::size_t i) {
  char quote = code[i];
  for (++i; i < code.size(); ++i) {
    if (code[i] == '\\') {
      ++i;
    } else if (code[i] == quote || code[i] == '\n') {
      return i + 1;
    }
  }
  return i;
}

BlockFacts read_block(std::string_view code, std::string_view kernel_name) {
  BlockFacts facts;
  std::size_t i = 0;
  while (i < code.size()) {
    char c = code[i];
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      std::size_t end = code.find('\n', i);
      i = end == std::string_view::npos ? code.size() : end;
    } else if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      std::size_t end = code.find("*/", i + 2);
      i = end == std::string_view::npos ? code.size() : end + 2;
    } else if (c == '"' || c == '\'') {
      i = skip_quoted(code, i);
    } else if (is_identifier_char(c)) {
      std::size_t start = i;
      while (i < code.size() && is_identifier_char(code[i])) ++i;
      std::string_view word = code.substr(start, i - start);
      if (i < code.size() && code[i] == '"' && !word.empty() && word.back() == 'R') {
        i = skip_raw_string(code, i - 1);
      } else if (word == "KEVOLVE_TUNE") {
        facts.has_marker = true;
      } else if (word == kernel_name) {
        std::size_t next = i;
        while (next < code.size() && std::isspace(static_cast<unsigned char>(code[next]))) ++next;
        if (next < code.size() && code[next] == '(') facts.defines_kernel = true;
      }
    } else {
      ++i;
    }
  }
  return facts;
}

struct Fence {
  char mark = 0;
  std::size_t length = 0;
  std::size_t indent = 0;
};

// The fence a line opens or closes, if it is one.
std::optional<Fence> fence_of(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
  if (indent == line.size() || (line[indent] != '`' && line[indent] != '~')) return std::nullopt;
  char mark = line[indent];
  std::size_t end = indent;
  while (end < line.size() && line[end] == mark) ++end;
  if (end - indent < 3) return std::nullopt;
  if (mark == '`' && line.find('`', end) != std::string_view::npos) return std::nullopt;
  return Fence{mark, end - indent, indent};
}

bool closes(const Fence& open, std::string_view line) {
  auto fence = fence_of(line);
  if (!fence || fence->mark != open.mark || fence->length < open.length) return false;
  std::size_t after = fence->indent + fence->length;
  return std::all_of(line.begin() + static_cast<std::ptrdiff_t>(after), line.end(),
                     [](char c) { return c == ' ' || c == '\t'; });
}

// A block's line without up to `indent` leading blanks.
std::string_view dedent(std::string_view line, std::size_t indent) {
  std::size_t n = 0;
  while (n < indent && n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
  return line.substr(n);
}

// The explanation: outside text, kept up to a little over the cap, then trimmed and cut at a
// UTF-8 character boundary.
std::string finish_explanation(std::string text) {
  std::size_t begin = 0;
  while (begin < text.size() && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  std::size_t end = text.size();
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string out = text.substr(begin, end - begin);
  if (out.size() <= k_max_explanation) return out;
  std::size_t cut = k_max_explanation;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + " [...]";
}

}  // namespace

util::Expected<Answer> parse_answer(std::string_view text, std::string_view kernel_name) {
  if (text.size() > k_max_answer_bytes) {
    return util::unexpected(fmt::format("the answer is {} bytes, over the limit of {} bytes",
                                        text.size(), k_max_answer_bytes));
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  std::string explanation;
  std::optional<Fence> open;
  std::size_t open_line = 0;
  std::string block;
  std::size_t blocks = 0;
  std::optional<std::string> with_marker, without_marker;  // the last block of each kind

  std::size_t line_number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t newline = text.find('\n', pos);
    std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    std::string_view line = text.substr(pos, next - pos);
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    ++line_number;

    if (!open) {
      if ((open = fence_of(line))) {
        open_line = line_number;
        block.clear();
      } else if (explanation.size() <= k_max_explanation + 8) {
        explanation.append(line).push_back('\n');
      }
      continue;
    }
    if (!closes(*open, line)) {
      block.append(dedent(line, open->indent)).push_back('\n');
      continue;
    }
    ++blocks;
    BlockFacts facts = read_block(block, kernel_name);
    if (facts.defines_kernel) (facts.has_marker ? with_marker : without_marker) = block;
    open.reset();
  }

  if (open) {
    return util::unexpected(fmt::format(
        "unterminated code block: the fence opened at line {} of the answer is never closed",
        open_line));
  }
  if (blocks == 0) {
    return util::unexpected(
        std::string("no fenced code block (```) in the answer; expected the kernel's whole "
                    "replacement in one"));
  }
  // Without a marker, the block is still the variant: the checks then say the marker is missing.
  std::optional<std::string>& chosen = with_marker ? with_marker : without_marker;
  if (!chosen) {
    return util::unexpected(fmt::format(
        "no code block defines {}(...): the answer has {} code block{}, none with the kernel",
        kernel_name, blocks, blocks == 1 ? "" : "s"));
  }
  if (chosen->find('\0') != std::string::npos) {
    return util::unexpected(std::string("the code block holds a NUL byte"));
  }
  return Answer{std::move(*chosen), finish_explanation(std::move(explanation))};
}

}  // namespace kevolve::variant
