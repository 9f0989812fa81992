#include "space/any_device.hpp"

#include "space/parser.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

util::Expected<space::Space, space::SpaceError> for_any_device(const char* text) {
  auto spec = space::parse_space(text);
  REQUIRE(spec);
  return space::build_for_any_device(std::move(*spec));
}

}  // namespace

TEST_CASE("any device: conjuncts that read facts are left out", "[space][any_device]") {
  auto s = for_any_device("X: 1, 2, 4, 8; Y: 1, 2; require X * 4096 <= smem; require X * Y <= 8");
  REQUIRE(s);
  CHECK(s->size() == 7);  // all but X=8 Y=2: the smem conjunct is not judged
  CHECK(space::reads_facts(*space::parse_space("X: 1; require X <= smem")));
  CHECK_FALSE(space::reads_facts(*space::parse_space("X: 1; require X <= 2")));
}

TEST_CASE("any device: a space empty everywhere is an error", "[space][any_device]") {
  auto s = for_any_device("X: 1, 2; require X <= max_threads; require X > 2");
  REQUIRE_FALSE(s);
  CHECK_THAT(s.error().message, Catch::Contains("no point satisfies the constraints"));
  CHECK_FALSE(for_any_device("X: 1, 2; require X > 2"));
}

TEST_CASE("any device: a failure a fact may guard is not an error", "[space][any_device]") {
  // With smem = 49152, D = 0 never reaches the division.
  auto s = for_any_device("D: 0, 1; require D >= smem - 49151; require 64 % D == 0");
  REQUIRE(s);
  CHECK(s->size() == 2);
  // Before any fact, the order is the device's: the failure is real.
  auto bad = for_any_device("D: 0, 1; require 64 % D == 0; require D <= smem");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("division by zero"));
}
