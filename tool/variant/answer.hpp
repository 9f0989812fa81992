#pragma once

// Reading an LLM's answer (docs/llm.md, "The answer"): the whole replacement of a kernel's text,
// from its KEVOLVE_TUNE marker or template header to its closing brace, in a fenced code block,
// optionally with a short explanation. The answer is untrusted text of any size and shape: it
// is read, never run, and a malformed one is an error that says what was expected.

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace kevolve::variant {

struct Answer {
  std::string code;         // the code block's text, ending in a newline
  std::string explanation;  // the text outside code blocks, trimmed and capped (for the log)
};

// The fenced code block (```lang ... ``` or ~~~) that defines `kernel_name` (an unqualified
// function name, followed by `(` in the block outside comments and strings) and holds a
// KEVOLVE_TUNE marker; when several do, the last. Errors: no code block, no block defining the
// kernel, an unterminated fence, an answer over k_max_answer_bytes.
util::Expected<Answer> parse_answer(std::string_view text, std::string_view kernel_name);

inline constexpr std::size_t k_max_answer_bytes = 1 << 20;

}  // namespace kevolve::variant
