#pragma once

// Small string helpers shared by every layer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::util {

// 1-based line and column of a byte offset in a text (columns count bytes).
struct TextPosition {
  int line = 1;
  int column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// The whole line of `text` that holds `offset`, without its newline.
std::string_view line_at(std::string_view text, std::size_t offset);

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char separator);
bool starts_with_word(std::string_view s, std::string_view word);

// Lowercase letters and digits joined by single '-': "NVIDIA H100 80GB HBM3" ->
// "nvidia-h100-80gb-hbm3".
std::string slug(std::string_view s);

// ASCII letters lower-cased; other bytes kept.
std::string lower(std::string_view s);

// Strict decimal integer (optional sign, no spaces, no trailing text, no overflow).
std::optional<std::int64_t> parse_int(std::string_view s);

// Splits a command line like a POSIX shell does (quotes, backslashes), without expansions.
std::vector<std::string> split_command_line(std::string_view line);

// The number of single-character insertions, deletions and substitutions from `a` to `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is near enough to be a typo of it (an edit distance of
// at most a third of the longer, at least 1), for "did you mean" hints; the first of equals.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "48 KiB", "1.25 MiB".
std::string format_bytes(std::uint64_t bytes);

// A rate with a decimal prefix: format_rate(2.13e10, "B/s") is "21.3 GB/s".
std::string format_rate(double per_second, std::string_view unit);

// The time now in ISO 8601, UTC, to the second: "2026-12-04T23:30:00Z".
std::string now_utc();

}  // namespace kevolve::util
