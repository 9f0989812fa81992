#include "space/parser.hpp"

#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using namespace kevolve::space;

namespace {

std::vector<std::string> values_of(const Parameter& p) {
  std::vector<std::string> out;
  for (const Value& v : p.values) out.push_back(v.to_string());
  return out;
}

}  // namespace

TEST_CASE("parser: parameter value lists", "[space][parser]") {
  struct Case {
    const char* spec;
    std::vector<std::string> values;
  };
  const Case cases[] = {
      {"A: 1", {"1"}},
      {"A: 1, 2, 4, 8", {"1", "2", "4", "8"}},
      {"A: 32..1024 pow2", {"32", "64", "128", "256", "512", "1024"}},
      {"A: 3..40 pow2", {"4", "8", "16", "32"}},
      {"A: 0..8 pow2", {"1", "2", "4", "8"}},
      {"A: 32..128 step 32", {"32", "64", "96", "128"}},
      {"A: 32..130 step 32", {"32", "64", "96", "128"}},
      {"A: 1..4", {"1", "2", "3", "4"}},
      {"A: -2..2", {"-2", "-1", "0", "1", "2"}},
      {"A: 1, 4..6, 16", {"1", "4", "5", "6", "16"}},
      {"A: float, double", {"float", "double"}},
      {"A: 0x10, 0x20", {"16", "32"}},
      {"A: 7..7", {"7"}},
      {"  A :\n 1 ,2 ;", {"1", "2"}},
  };
  for (const Case& c : cases) {
    INFO(c.spec);
    auto spec = parse_space(c.spec);
    REQUIRE(spec);
    REQUIRE(spec->parameters.size() == 1);
    CHECK(spec->parameters[0].name == "A");
    CHECK(values_of(spec->parameters[0]) == c.values);
  }
}

TEST_CASE("parser: items, options and conjuncts", "[space][parser]") {
  auto spec = parse_space(
      "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4; require BLOCK * ITEMS <= 8192 && BLOCK >= warp;"
      " require (ITEMS > 1 || BLOCK > 64); inject: macros;");
  REQUIRE(spec);
  CHECK(spec->parameters.size() == 2);
  CHECK(spec->inject == InjectMode::macros);
  REQUIRE(spec->constraints.size() == 3);
  CHECK(spec->constraint_text(spec->constraints[0]) == "BLOCK * ITEMS <= 8192");
  CHECK(spec->constraint_text(spec->constraints[1]) == "BLOCK >= warp");
  CHECK(spec->constraint_text(spec->constraints[2]) == "(ITEMS > 1 || BLOCK > 64)");
  CHECK(spec->constraints[0].parameters == std::vector<std::size_t>{0, 1});
  CHECK(spec->constraints[1].parameters == std::vector<std::size_t>{0});

  SECTION("a parameter may be used before it is declared") {
    CHECK(parse_space("require A < B; A: 1, 2; B: 1, 2"));
  }
  SECTION("an empty space has no parameters") {
    auto empty = parse_space("");
    REQUIRE(empty);
    CHECK(empty->parameters.empty());
  }
  SECTION("inject defaults to param") { CHECK(parse_space("A: 1")->inject == InjectMode::param); }
}

TEST_CASE("parser: every error names its position and what was expected", "[space][parser]") {
  struct Case {
    const char* spec;
    int line;
    int column;
    const char* message;
  };
  const Case cases[] = {
      // unknown tokens
      {"A: 1 @ 2", 1, 6, "unknown character '@'"},
      {"A: 1; require A & 1", 1, 17, "unknown operator '&'"},
      {"A: 1; require A = 1", 1, 17, "compare with '=='"},
      {"A: 1.5", 1, 5, "unexpected '.'"},
      {"A: 12abc", 1, 4, "'12abc' is not a number"},
      {"A: 010", 1, 4, "leading zero"},
      {"A: 99999999999999999999", 1, 4, "does not fit"},
      // bad ranges
      {"A: 10..1", 1, 4, "bad range 10..1: the start is greater than the end"},
      {"A: 1..8 step 0", 1, 14, "the step must be positive"},
      {"A: 1..8 step -2", 1, 14, "the step must be positive"},
      {"A: 5..7 pow2", 1, 4, "no power of two"},
      {"A: 1..100000", 1, 4, "at most 65536"},
      {"A: 1..8 pw2", 1, 9, "expected 'pow2', 'step N'"},
      {"A: 1..", 1, 7, "expected the end of the range"},
      // empty lists
      {"A:", 1, 3, "parameter 'A' has no values"},
      {"A: ; B: 1", 1, 4, "parameter 'A' has no values"},
      {"A: 1,", 1, 6, "expected a value after ','"},
      {"A: 1, ; B: 2", 1, 7, "expected a value after ','"},
      // duplicates
      {"A: 1; B: 2; A: 3", 1, 13, "parameter 'A' is declared twice (first at 1:1)"},
      {"A: 1, 2, 1", 1, 10, "value 1 appears twice in parameter 'A'"},
      {"A: 1..8, 4", 1, 10, "value 4 appears twice"},
      {"inject: param; inject: macros", 1, 16, "'inject' is given twice"},
      // undefined names and wrong kinds in constraints
      {"A: 1; require A < B", 1, 19, "undefined name 'B' in a constraint"},
      {"T: float, double; require T > 1", 1, 27, "has a non-integer value (float)"},
      // structure
      {"A 1", 1, 3, "expected ':' after parameter name 'A'"},
      {"A: 1 B: 2", 1, 6, "expected ',' or ';' after a value of parameter 'A'"},
      {"A: 1;; B: 2", 1, 6, "empty item"},
      {"require: 1", 1, 1, "'require' is a keyword"},
      {"A: 1; require", 1, 14, "expected a number, a name or '('"},
      {"A: 1; require (A > 1", 1, 21, "expected ')' to close the '(' at 1:15"},
      {"A: 1; require A > 1 )", 1, 21, "expected ';' between items"},
      {"inject: fast", 1, 9, "expected 'param' or 'macros'"},
      {"5: 1", 1, 1, "expected a parameter 'NAME: values'"},
      // positions on later lines
      {"A: 1;\nB: 2;\nrequire A < C", 3, 13, "undefined name 'C'"},
  };
  for (const Case& c : cases) {
    INFO(c.spec);
    auto spec = parse_space(c.spec);
    REQUIRE_FALSE(spec);
    auto pos = kevolve::util::position_of(c.spec, spec.error().offset);
    CHECK(pos.line == c.line);
    CHECK(pos.column == c.column);
    CHECK_THAT(spec.error().message, Catch::Contains(c.message));
  }
}

TEST_CASE("parser: undefined names list what is defined", "[space][parser]") {
  auto spec = parse_space("A: 1; B: 2; require A < C");
  REQUIRE_FALSE(spec);
  CHECK_THAT(spec.error().note, Catch::Contains("parameters: A, B"));
  CHECK_THAT(spec.error().note, Catch::Contains("smem"));
}

namespace {

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("parser: nesting past the limit is an error at the first level too many",
          "[space][parser]") {
  // Each of these once overflowed the stack of scan, status and tune (issue 17).
  const std::string head = "A: 1..4; require ";
  const std::size_t limit = k_max_depth;
  struct Case {
    std::string spec;
    std::size_t offset;  // of the token that makes it one level too deep
  };
  const Case cases[] = {
      {head + repeat("(", 5000) + "A" + repeat(")", 5000) + " > 1", head.size() + limit},
      {head + repeat("(", 40000), head.size() + limit},
      {head + repeat("!", 30000), head.size() + limit},
      {head + repeat("!", 30000) + "A", head.size() + limit},
      {head + repeat("-", 30000) + "A", head.size() + limit},
      {head + repeat("+", 30000) + "A", head.size() + limit},
      {head + repeat("-(", 20000) + "A", head.size() + limit},
      // A long chain nests too: each operator takes the chain before it as its left operand.
      {head + "A" + repeat("+A", 30000) + " > 1", head.size() + 1 + 2 * limit},
      {head + "A" + repeat("||A", 30000), head.size() + 1 + 3 * limit},
      {head + "(A" + repeat("&&A", 30000) + ")", head.size() + 2 + 3 * limit},
  };
  for (const Case& c : cases) {
    INFO(c.spec.substr(0, 60) << "... (" << c.spec.size() << " characters)");
    auto spec = parse_space(c.spec);
    REQUIRE_FALSE(spec);
    CHECK(spec.error().message ==
          "the condition is nested deeper than " + std::to_string(limit) + " levels");
    CHECK(spec.error().offset == c.offset);
  }
}

TEST_CASE("parser: nesting up to the limit parses; a long top-level && is a list",
          "[space][parser]") {
  const std::string head = "A: 1..4; require ";
  const std::size_t limit = k_max_depth;
  for (const std::string& condition : {
           repeat("(", limit - 1) + "A > 1" + repeat(")", limit - 1),  // '>' is a level too
           repeat("!", limit) + "A",
           repeat("-", limit - 1) + "A < 5",
           "A" + repeat("+A", limit),
       }) {
    INFO(condition);
    auto spec = parse_space(head + condition);
    if (!spec) FAIL(spec.error().message);
    CHECK(spec->constraints.size() == 1);
  }
  // The && joining a require item's conditions split it into conjuncts: no depth.
  auto spec = parse_space(head + "A > 0" + repeat(" && A > 0", 30000));
  REQUIRE(spec);
  CHECK(spec->constraints.size() == 30001);
  // Followed by ||, the conjunction is its operand, and nests.
  auto mixed = parse_space(head + "A > 0 && A < 9 || A == 3");
  REQUIRE(mixed);
  REQUIRE(mixed->constraints.size() == 1);
  CHECK(mixed->constraint_text(mixed->constraints[0]) == "A > 0 && A < 9 || A == 3");
}
