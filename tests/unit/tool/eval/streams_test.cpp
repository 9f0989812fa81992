#include "tool/eval/evaluator.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {
eval::Measurement gpu(double events_s, double host_s) {
  eval::Measurement m;
  m.median_s = events_s;
  m.host_median_s = host_s;
  return m;
}
}  // namespace

TEST_CASE("gpu timing: work the stream's events do not see is caught", "[eval][streams]") {
  const eval::Measurement defaults = gpu(100e-6, 115e-6);  // 15 us of launch and sync latency
  SECTION("an honest candidate shows the same latency") {
    CHECK(eval::unseen_gpu_work(gpu(50e-6, 66e-6), defaults).empty());
    CHECK(eval::unseen_gpu_work(gpu(2e-3, 2.02e-3), defaults).empty());
  }
  SECTION("work on another stream: empty events, a long wait for the device") {
    std::string why = eval::unseen_gpu_work(gpu(4e-6, 118e-6), defaults);
    CHECK_THAT(why, Catch::Contains("another stream"));
    CHECK_THAT(why, Catch::Contains("did not see"));
  }
  SECTION("half the work left running after the stop event") {
    CHECK_FALSE(eval::unseen_gpu_work(gpu(60e-6, 135e-6), defaults).empty());
  }
  SECTION("a CPU measurement, or defaults without a host span, is not judged") {
    CHECK(eval::unseen_gpu_work(gpu(4e-6, 0), defaults).empty());
    CHECK(eval::unseen_gpu_work(gpu(4e-6, 118e-6), gpu(100e-6, 0)).empty());
  }
}
