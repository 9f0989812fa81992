#include "tool/eval/evaluator.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {
eval::Measurement gpu(double events_s, double drain_s) {
  eval::Measurement m;
  m.median_s = events_s;
  m.host_median_s = events_s + 15e-6 + drain_s;  // launch and wake-up latency
  m.drain_median_s = drain_s;
  return m;
}
eval::Measurement cpu(double median_s) {
  eval::Measurement m;
  m.median_s = median_s;
  return m;
}
eval::Phase phase(double phase_s, double timed_s, long long calls) {
  return {phase_s + 0.001, phase_s, timed_s, calls};
}
}  // namespace

TEST_CASE("gpu timing: work the stream's events do not see is caught", "[eval][streams]") {
  const eval::Measurement defaults = gpu(48.5e-6, 3e-6);
  SECTION("an honest candidate drains like the defaults") {
    CHECK(eval::unseen_gpu_work(gpu(30e-6, 5e-6), defaults).empty());
    CHECK(eval::unseen_gpu_work(gpu(2e-3, 9e-6), defaults).empty());
  }
  // As on an H200: the events saw 8 us of a 48 us kernel that ran on a stream of its own.
  SECTION("work on another stream: short events, a long drain") {
    std::string why = eval::unseen_gpu_work(gpu(8e-6, 42e-6), defaults);
    CHECK_THAT(why, Catch::Contains("after the stop event"));
    CHECK_THAT(why, Catch::Contains("another stream"));
  }
  SECTION("a fifth of a long kernel left running is caught") {
    CHECK_FALSE(eval::unseen_gpu_work(gpu(800e-6, 200e-6), gpu(1e-3, 3e-6)).empty());
  }
  SECTION("a CPU measurement, or defaults without a host span, is not judged") {
    CHECK(eval::unseen_gpu_work(cpu(4e-6), defaults).empty());
    CHECK(eval::unseen_gpu_work(gpu(4e-6, 118e-6), cpu(100e-6)).empty());
  }
}

TEST_CASE("untimed work: judged on a CPU, not on a GPU", "[eval][streams]") {
  // 20 calls of 100 us; the defaults' resets take 116 us a call.
  const eval::Phase defaults_phase = phase(20 * 216e-6, 20 * 100e-6, 20);
  SECTION("a CPU candidate whose calls leave 4x the defaults' untimed work is caught") {
    std::string why = eval::untimed_work(cpu(100e-6), phase(20 * 564e-6, 20 * 100e-6, 20),
                                         cpu(100e-6), defaults_phase);
    CHECK_THAT(why, Catch::Contains("outside its timed region"));
  }
  SECTION("a CPU candidate with the defaults' resets passes") {
    CHECK(eval::untimed_work(cpu(90e-6), phase(20 * 220e-6, 20 * 90e-6, 20), cpu(100e-6),
                             defaults_phase)
              .empty());
  }
  // As on an H100 while 16 candidates compiled: the harness's own flush and synchronize took
  // 0.46 ms a call against the defaults' 0.12 ms, and honest candidates were rejected.
  SECTION("on a GPU the harness's untimed work is not the candidate's") {
    CHECK(eval::untimed_work(gpu(100e-6, 3e-6), phase(20 * 564e-6, 20 * 100e-6, 20),
                             gpu(100e-6, 3e-6), defaults_phase)
              .empty());
  }
}
