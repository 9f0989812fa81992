// A harness's fixed input (include/kevolve/bench.hpp): written by the harness, kept as written
// when the other inputs are refilled, and still watched for writes by the kernel.
#include <kevolve/bench.hpp>

#include <catch2/catch.hpp>

#include <numeric>

TEST_CASE("bench: a fixed input keeps what the harness wrote; a kernel writing it is caught",
          "[bench]") {
  kevolve::Bench b(7, {}, {});
  const float* x = b.input<float>("x", 64);
  int* index = b.fixed_input<int>("index", 64);
  std::iota(index, index + 64, 0);  // a permutation: indices in range
  b.prepare();
  const float first = x[0];

  b.refill(8);
  CHECK(x[0] != first);  // the random input took the new seed's values
  for (int i = 0; i < 64; ++i) REQUIRE(index[i] == i);
  CHECK(b.modified_input() == nullptr);

  index[3] = 1000;  // what a kernel writing its indices does
  REQUIRE(b.modified_input() != nullptr);
  CHECK(b.modified_input()->name == "index");
}
