// Reading LLM answers: the block that defines the kernel is found in every shape an answer
// comes in, and hostile answers end in an error that says what was expected, quickly.

#include "tool/variant/answer.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace kevolve;
using kevolve::variant::parse_answer;

namespace {

const std::string k_kernel =
    "KEVOLVE_TUNE(saxpy, \"BLOCK: 32..1024 pow2\")\n"
    "void saxpy(int n, float a, const float* x, float* y) {\n"
    "  for (int i = 0; i < n; ++i) y[i] += a * x[i];\n"
    "}\n";

std::string fenced(const std::string& info, const std::string& code,
                   const std::string& fence = "```") {
  return fence + info + "\n" + code + fence + "\n";
}

}  // namespace

TEST_CASE("answer: one fenced block with an explanation", "[variant][answer]") {
  auto answer = parse_answer(
      "Here is a faster version.\n\n" + fenced("cpp", k_kernel) + "\nIt fuses the loop.\n",
      "saxpy");
  REQUIRE(answer);
  CHECK(answer->code == k_kernel);
  CHECK(answer->explanation == "Here is a faster version.\n\n\nIt fuses the loop.");
}

TEST_CASE("answer: info strings, tildes and indented fences", "[variant][answer]") {
  for (const char* info : {"", "cpp", "c++", "cuda", " C++ title=\"x\""}) {
    auto answer = parse_answer(fenced(info, k_kernel), "saxpy");
    REQUIRE(answer);
    CHECK(answer->code == k_kernel);
  }
  auto tilde = parse_answer(fenced("cuda", k_kernel, "~~~~"), "saxpy");
  REQUIRE(tilde);
  CHECK(tilde->code == k_kernel);
  // Inside a list item: the fence's indentation is removed from the block's lines.
  std::string indented = "1. The kernel:\n   ```cpp\n";
  for (std::string_view line : {"KEVOLVE_TUNE(saxpy, \"B: 1\")", "void saxpy() {", "  int x;", "}"})
    indented += "   " + std::string(line) + "\n";
  indented += "   ```\n";
  auto listed = parse_answer(indented, "saxpy");
  REQUIRE(listed);
  CHECK(listed->code == "KEVOLVE_TUNE(saxpy, \"B: 1\")\nvoid saxpy() {\n  int x;\n}\n");
}

TEST_CASE("answer: CRLF line ends and a byte order mark", "[variant][answer]") {
  std::string crlf;
  for (char c : "\xEF\xBB\xBFNew version:\n" + fenced("cpp", k_kernel)) {
    if (c == '\n') crlf += '\r';
    if (c) crlf += c;
  }
  auto answer = parse_answer(crlf, "saxpy");
  REQUIRE(answer);
  CHECK(answer->code == k_kernel);
  CHECK(answer->explanation == "New version:");
}

TEST_CASE("answer: of several blocks, the last one that defines the kernel with its marker",
          "[variant][answer]") {
  std::string old_kernel = "void saxpy(int n) { /* old */ }\n";  // no marker
  std::string helper = "__device__ float twice(float x) { return 2 * x; }\n";
  std::string first = "KEVOLVE_TUNE(saxpy, \"B: 1\")\nvoid saxpy(int n) { /* first */ }\n";
  auto answer = parse_answer(fenced("cpp", first) + "and\n" + fenced("cpp", k_kernel) +
                                 fenced("cpp", old_kernel) + fenced("", helper),
                             "saxpy");
  REQUIRE(answer);
  CHECK(answer->code == k_kernel);
  // Without any marker, the last block that defines the kernel (the checks then refuse it).
  auto unmarked = parse_answer(fenced("cpp", helper) + fenced("cpp", old_kernel), "saxpy");
  REQUIRE(unmarked);
  CHECK(unmarked->code == old_kernel);
}

TEST_CASE("answer: the kernel's name in comments or strings does not define it",
          "[variant][answer]") {
  std::string code =
      "// saxpy(n) is below\n/* saxpy( */\nconst char* s = \"saxpy(\";\nchar c = '(';\n"
      "auto r = R\"x(saxpy( )\" )x\";\nKEVOLVE_TUNE(other, \"B: 1\")\nvoid saxpy_v2(int n) {}\n";
  auto answer = parse_answer(fenced("cpp", code), "saxpy");
  REQUIRE_FALSE(answer);
  CHECK(answer.error() ==
        "no code block defines saxpy(...): the answer has 1 code block, none with the kernel");
}

TEST_CASE("answer: backticks inside the code's strings do not end the block", "[variant][answer]") {
  std::string code =
      "KEVOLVE_TUNE(saxpy, \"B: 1\")\nvoid saxpy() {\n  const char* s = \"```\";\n"
      "  // ```cpp\n}\n";
  auto answer = parse_answer(fenced("cpp", code, "````"), "saxpy");
  REQUIRE(answer);
  CHECK(answer->code == code);
}

TEST_CASE("answer: errors say what was expected", "[variant][answer]") {
  auto none = parse_answer("I cannot make it faster.", "saxpy");
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::StartsWith("no fenced code block"));

  auto unterminated = parse_answer("Sure:\n```cpp\n" + k_kernel, "saxpy");
  REQUIRE_FALSE(unterminated);
  CHECK(unterminated.error() ==
        "unterminated code block: the fence opened at line 2 of the answer is never closed");

  // A shorter fence does not close a longer one; another kind neither.
  auto mismatched = parse_answer("````cpp\n" + k_kernel + "```\n~~~~\n", "saxpy");
  REQUIRE_FALSE(mismatched);
  CHECK_THAT(mismatched.error(), Catch::StartsWith("unterminated code block"));

  auto other = parse_answer(fenced("cpp", "int main() { return 0; }\n"), "saxpy");
  REQUIRE_FALSE(other);
  CHECK_THAT(other.error(), Catch::StartsWith("no code block defines saxpy(...)"));

  auto huge = parse_answer(std::string(variant::k_max_answer_bytes + 1, 'x'), "saxpy");
  REQUIRE_FALSE(huge);
  CHECK_THAT(huge.error(), Catch::Contains("over the limit of 1048576 bytes"));

  auto nul = parse_answer(fenced("cpp", k_kernel + std::string("int z;\0\n", 8)), "saxpy");
  REQUIRE_FALSE(nul);
  CHECK(nul.error() == "the code block holds a NUL byte");
}

TEST_CASE("answer: hostile sizes stay linear", "[variant][answer]") {
  // 1 MiB of backticks: one opening fence that never closes.
  auto ticks = parse_answer(std::string(variant::k_max_answer_bytes, '`'), "saxpy");
  REQUIRE_FALSE(ticks);
  CHECK_THAT(ticks.error(), Catch::StartsWith("unterminated code block"));
  // 1 MiB of empty blocks, and of lines of backticks inside one block.
  std::string empties;
  while (empties.size() + 8 <= variant::k_max_answer_bytes) empties += "```\n```\n";
  auto blocks = parse_answer(empties, "saxpy");
  REQUIRE_FALSE(blocks);
  CHECK_THAT(blocks.error(), Catch::Contains("131072 code blocks"));
  std::string inner = "````\n";
  while (inner.size() + 4 <= variant::k_max_answer_bytes - 5) inner += "``\n";
  auto one = parse_answer(inner + "````\n", "saxpy");
  REQUIRE_FALSE(one);
  CHECK_THAT(one.error(), Catch::Contains("1 code block,"));
  // An unterminated raw string and comment inside a block end with the block.
  auto raw = parse_answer(fenced("cpp", "R\"(" + std::string(100000, 'a') + "\n/*"), "saxpy");
  REQUIRE_FALSE(raw);
}

TEST_CASE("answer: the explanation is capped", "[variant][answer]") {
  std::string words;
  while (words.size() < 10000) words += "\xC3\xA9t\xC3\xA9 ";  // two-byte characters
  // "x" first: the cap then falls inside a character, whose first byte must not be kept alone.
  auto answer = parse_answer("x" + words + "\n" + fenced("cpp", k_kernel), "saxpy");
  REQUIRE(answer);
  CHECK(answer->explanation.size() <= 2000 + 6);
  CHECK_THAT(answer->explanation, Catch::EndsWith(" [...]"));
  std::string kept = answer->explanation.substr(0, answer->explanation.size() - 6);
  CHECK(kept.back() == ' ');  // not 0xC3, the first half of the cut character
}
