#include "space/expression.hpp"

#include "space/parser.hpp"

#include <catch2/catch.hpp>

using namespace kevolve::space;

namespace {

// Evaluates a constant expression written as a constraint.
struct Outcome {
  bool ok;
  std::int64_t value;
  EvalFailure failure;
};

Outcome eval(const std::string& expr) {
  auto spec = parse_space("require " + expr);
  REQUIRE(spec);
  Outcome out{};
  out.ok = evaluate(spec->nodes, spec->constraints.at(0).root, nullptr, out.value, out.failure);
  return out;
}

}  // namespace

TEST_CASE("expression: C integer semantics", "[space][expression]") {
  struct Case {
    const char* expr;
    std::int64_t value;
  };
  const Case cases[] = {
      {"7 / 2", 3},        {"-7 / 2", -3},    {"7 / -2", -3},      {"-7 % 2", -1},
      {"7 % -2", 1},       {"2 + 3 * 4", 14}, {"(2 + 3) * 4", 20}, {"10 - 4 - 3", 3},
      {"100 / 10 / 5", 2}, {"1 < 2", 1},      {"2 <= 1", 0},       {"3 == 3", 1},
      {"3 != 3", 0},       {"!0", 1},         {"!5", 0},           {"-(-4)", 4},
      {"1 || 0", 1},       {"0 || 0", 0},     {"1 < 2 == 1", 1},   {"1 + 2 < 4", 1},
      {"5 > 3 > 1", 0},    {"+3", 3},         {"0x10 * 2", 32},
  };
  for (const Case& c : cases) {
    INFO(c.expr);
    Outcome o = eval(c.expr);
    REQUIRE(o.ok);
    CHECK(o.value == c.value);
  }
}

TEST_CASE("expression: failures where C is undefined", "[space][expression]") {
  Outcome div = eval("1 / 0");
  CHECK_FALSE(div.ok);
  CHECK(div.failure.kind == EvalFailure::Kind::division_by_zero);
  CHECK(div.failure.offset == std::string("require 1 ").size());

  CHECK(eval("5 % 0").failure.kind == EvalFailure::Kind::division_by_zero);
  CHECK(eval("9223372036854775807 + 1").failure.kind == EvalFailure::Kind::overflow);
  CHECK(eval("4611686018427387904 * 2").failure.kind == EvalFailure::Kind::overflow);
  CHECK(eval("-9223372036854775807 - 2").failure.kind == EvalFailure::Kind::overflow);
}

TEST_CASE("expression: && and || short-circuit like C", "[space][expression]") {
  // Wrapped in ! so that the parser does not split the && into conjuncts.
  Outcome guarded = eval("!(0 && 1 / 0)");
  REQUIRE(guarded.ok);
  CHECK(guarded.value == 1);
  Outcome either = eval("1 || 1 / 0");
  REQUIRE(either.ok);
  CHECK(either.value == 1);
  CHECK_FALSE(eval("!(1 && 1 / 0)").ok);
}

TEST_CASE("expression: interval analysis finds operations that may fail", "[space][expression]") {
  auto spec = parse_space(
      "A: 0..4; B: 1..4; require A % B == 0; require B % A == 0; "
      "require A * B < 100; require B - A > -1000");
  REQUIRE(spec);
  std::vector<Interval> ranges{{0, 4}, {1, 4}};
  CHECK_FALSE(may_fail(spec->nodes, spec->constraints[0].root, ranges));  // B never 0
  CHECK(may_fail(spec->nodes, spec->constraints[1].root, ranges));        // A may be 0
  CHECK_FALSE(may_fail(spec->nodes, spec->constraints[2].root, ranges));
  CHECK_FALSE(may_fail(spec->nodes, spec->constraints[3].root, ranges));
  std::vector<Interval> huge{{0, INT64_MAX / 2}, {1, 4}};
  CHECK(may_fail(spec->nodes, spec->constraints[2].root, huge));  // A * B may overflow
}
