#include "tool/tune/noise.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

TEST_CASE("noise: a busy machine is said before a tune", "[noise]") {
  CHECK_FALSE(tune::load_warning({0.5, 2}));
  CHECK_FALSE(tune::load_warning({3.9, 16}));
  auto busy = tune::load_warning({7.5, 16});
  REQUIRE(busy);
  CHECK_THAT(*busy, Catch::Contains("load average 7.5"));
  CHECK_THAT(*busy, Catch::Contains("16 hardware threads"));
  // On a small machine one busy thread is normal (the tune itself, a shell).
  CHECK_FALSE(tune::load_warning({1.0, 2}));
  CHECK_FALSE(tune::load_warning({1.3, 2}));  // the builds of the tune before, decaying
  CHECK(tune::load_warning({2.5, 2}));
  CHECK(tune::current_load());  // Linux says
}

TEST_CASE("noise: defaults whose timings scatter are said", "[noise]") {
  SECTION("steady timings, one outlier: quiet") {
    CHECK_FALSE(tune::spread_warning({1.00, 1.01, 0.99, 1.02, 1.00, 0.98, 1.01, 3.0}));
  }
  SECTION("a quarter apart: warned, with the figure") {
    auto noisy = tune::spread_warning({1.0, 1.3, 0.9, 1.25, 1.0, 0.85, 1.2, 1.05});
    REQUIRE(noisy);
    CHECK_THAT(*noisy, Catch::Contains("scatter by"));
    CHECK_THAT(*noisy, Catch::Contains("of 8 repetitions"));
  }
  SECTION("too few repetitions to tell") { CHECK_FALSE(tune::spread_warning({1.0, 2.0, 3.0})); }
}
