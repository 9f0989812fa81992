#pragma once

// What the providers surface of a server's or a program's text: every occurrence of a key
// replaced by "<key>" (a server or a CLI may echo the key it refused), and excerpts short and on
// one line.

#include <string>
#include <string_view>
#include <vector>

namespace kevolve::llm {

// `text` with every occurrence of each non-empty secret replaced by "<key>".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// At most `max` bytes of `text` on one line: control characters as spaces, runs of spaces
// folded, a cut UTF-8 sequence dropped, "..." where it was cut. "(empty)" for nothing.
std::string excerpt(std::string_view text, std::size_t max = 300);

// The last `max` bytes of `text` as excerpt() writes them, "..." first where it was cut.
std::string tail_excerpt(std::string_view text, std::size_t max = 1000);

}  // namespace kevolve::llm
