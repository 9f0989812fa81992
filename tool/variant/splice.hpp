#pragma once

// A variant spliced into its kernel's source file (docs/llm.md, "How a variant is built"): the
// file's text with the kernel's extent [begin, end) replaced by the variant's code, with #line
// directives so that diagnostics and debuggers point into the variant's file for its lines and
// into the original file for the others. The original file is never written.

#include <cstddef>
#include <string>
#include <string_view>

namespace kevolve::variant {

struct SpliceInput {
  std::string_view source;  // the original file's text
  std::size_t begin = 0;    // the kernel's extent in it (analyzers::AnnotatedFunction)
  std::size_t end = 0;
  std::string_view code;          // the variant's text (its file's content)
  std::string_view source_path;   // the original file, as #line names it
  std::string_view variant_path;  // the variant's file, as #line names it
};

struct Spliced {
  std::string text;
  std::size_t code_begin = 0;  // where the variant's code starts in `text`
  std::size_t code_end = 0;    // one past its end
};

Spliced splice(const SpliceInput& input);

}  // namespace kevolve::variant
