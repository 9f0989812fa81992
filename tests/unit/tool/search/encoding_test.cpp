#include "tool/search/encoding.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace kevolve;
using search::Encoding;

namespace {

space::Space make(const char* text) {
  auto s = space::make_space(text, space::Facts{});
  REQUIRE(s);
  return std::move(*s);
}

}  // namespace

TEST_CASE("encoding: positions in [0, 1], one per parameter with a choice", "[search]") {
  space::Space s = make("A: 1, 2, 4, 8; B: 7; C: 0, 1");
  Encoding encode(s);
  REQUIRE(encode.dimensions() == 2);  // B has one value; A's twos rise with its position
  CHECK(encode(space::Point{0, 0, 0}) == std::vector<double>{0.0, 0.0});
  CHECK(encode(space::Point{2, 0, 1}) == std::vector<double>{2.0 / 3.0, 1.0});
}

TEST_CASE("encoding: factors of two where they do not follow the position", "[search]") {
  // 16 = 2^4, 32 = 2^5, 48 = 3 * 2^4, 64 = 2^6: counts 4, 5, 4, 6, scaled to 0, 0.5, 0, 1.
  space::Space s = make("BX: 16, 32, 48, 64");
  Encoding encode(s);
  REQUIRE(encode.dimensions() == 2);
  CHECK(encode(space::Point{0}) == std::vector<double>{0.0, 0.0});
  CHECK(encode(space::Point{1}) == std::vector<double>{1.0 / 3.0, 0.5});
  CHECK(encode(space::Point{2}) == std::vector<double>{2.0 / 3.0, 0.0});
  CHECK(encode(space::Point{3}) == std::vector<double>{1.0, 1.0});
}

TEST_CASE("encoding: no factors of two for choices, names or short lists", "[search]") {
  CHECK(Encoding(make("METHOD: 0, 1, 2, 3")).dimensions() == 1);  // 0 has no count
  CHECK(Encoding(make("T: float, double, half")).dimensions() == 1);
  CHECK(Encoding(make("V: 3, 2")).dimensions() == 1);
  CHECK(Encoding(make("V: 6, 4, 3")).dimensions() == 2);
}

TEST_CASE("encoding: squared distance", "[search]") {
  CHECK(search::squared_distance({0, 0}, {0.5, 1}) == Approx(1.25));
}
