// Fuzz target: an LLM's answer, read by variant::parse_answer for the kernel `saxpy`, and the
// code it yields spliced into a fixed source (variant::splice) under a path taken from the
// input. An accepted answer's code defines nothing it does not hold; a splice keeps every line
// of the source and the code, and its #line directives stay one line each whatever the path.

#include "tool/variant/answer.hpp"

#include "tool/variant/splice.hpp"

#include <algorithm>
#include <string>

#include "bench/fuzz/fuzz.hpp"

namespace {

constexpr std::string_view k_source =
    "int a;\nKEVOLVE_TUNE(saxpy, \"B: 1, 2\")\nvoid saxpy() {}\nint b;\n";

std::size_t lines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kevolve;
  std::string_view text = fuzz::text_of(data, size);
  auto answer = variant::parse_answer(text, "saxpy");
  if (!answer) return 0;
  const std::string& code = answer->code;
  fuzz::check(!code.empty() && code.back() == '\n', "the code ends in a line break", code);
  fuzz::check(code.find("saxpy") != std::string::npos, "the code names the kernel", code);
  fuzz::check(code.size() <= text.size(), "the code is no larger than the answer");
  fuzz::check(answer->explanation.size() <= 2006, "the explanation is capped");

  // A hostile path: the explanation's first bytes (quotes, backslashes, line breaks).
  std::string path = answer->explanation.substr(0, 64);
  std::size_t begin = k_source.find("KEVOLVE_TUNE");
  std::size_t end = k_source.find("{}") + 2;
  variant::Spliced s = variant::splice({k_source, begin, end, code, path, path + ".v"});
  fuzz::check(s.text.substr(s.code_begin, s.code_end - s.code_begin) == code,
              "the spliced range is the code", s.text);
  std::size_t kept = lines(k_source.substr(0, begin)) + lines(k_source.substr(end));
  fuzz::check(lines(s.text) == 3 + kept + lines(code),
              "three #line directives of one line each, every line kept", s.text);
  fuzz::check(s.text.substr(s.code_end, 8) == "#line 3 ", "what follows keeps its line", s.text);
  return 0;
}
