#include "tool/tune/review.hpp"

#include "knowledge/sample_wisdom.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
using knowledge::ReviewState;

namespace {

// A CPU-like device: 100 GB/s memory, 1 TB/s in a 1 MiB cache, 1 TFLOP/s.
backends::Peaks cpu_peaks() {
  backends::Peaks p;
  p.copy_bytes_per_s = 100e9;
  p.fma_flops_per_s = 1e12;
  p.caches = {{"L2", 1 << 20, 1e12}};
  return p;
}

// A harness of one float buffer of `floats` elements declaring `traffic` bytes a run.
backends::Description harness(std::size_t floats, double traffic, double work = 0) {
  backends::Description d;
  d.buffers = {{"x", "f32", "inout", floats}};
  d.traffic = traffic;
  d.work = work;
  return d;
}

knowledge::ParamValues params(std::int64_t x) { return {{"X", space::Value(x)}}; }

knowledge::ReviewEvidence speedup_of(double speedup) {
  knowledge::ReviewEvidence e;
  e.speedup = speedup;
  e.time_s = 1.0 / speedup;
  e.baseline_s = 1.0;
  return e;
}

knowledge::SizeRecord record_of(std::int64_t x, double speedup) {
  knowledge::SizeRecord r;
  r.best = params(x);
  r.baseline_s = 1.0;
  r.time_s = 1.0 / speedup;
  r.speedup = speedup;
  r.date = "2026-11-01T00:00:00Z";
  return r;
}

}  // namespace

TEST_CASE("gates: a speedup above 10x waits for review", "[review]") {
  CHECK(tune::review_reasons(speedup_of(9.9)).empty());
  CHECK(tune::review_reasons(speedup_of(10)).empty());
  auto reasons = tune::review_reasons(speedup_of(10.5));
  REQUIRE(reasons.size() == 1);
  CHECK(reasons[0] == "10.5x faster than the defaults (more than 10x)");
}

TEST_CASE("gates: a rate beyond the measured peak, with a margin for noise", "[review]") {
  backends::Peaks peaks = cpu_peaks();
  // 8 MiB of buffers do not fit in the 1 MiB cache: the memory's 100 GB/s bound them.
  auto big = harness(2 << 20, 1e9);
  CHECK(tune::footprint_bytes(big) == 8 << 20);
  auto near = tune::evidence_of(1e9 / 105e9, 1.0, big, peaks);  // 105 GB/s: within the margin
  CHECK(near.memory_level == "memory");
  CHECK(*near.peak_bytes_per_s == 100e9);
  CHECK(tune::beyond_light(near).empty());
  auto beyond = tune::evidence_of(1e9 / 115e9, 1.0, big, peaks);  // 115 GB/s: 1.15x
  auto reasons = tune::beyond_light(beyond);
  REQUIRE(reasons.size() == 1);
  CHECK_THAT(reasons[0], Catch::Contains("115 GB/s by the harness's traffic()"));
  CHECK_THAT(reasons[0], Catch::Contains("1.15x the measured memory bandwidth (100 GB/s)"));

  // The same rate from buffers that fit in the cache is below that cache's 1 TB/s.
  auto cached = tune::evidence_of(1e9 / 115e9, 1e9 / 115e9, harness(1024, 1e9), peaks);
  CHECK(cached.memory_level == "L2");
  CHECK(tune::beyond_light(cached).empty());
  CHECK(tune::review_reasons(cached).empty());

  // Work beyond the FMA rate: 2 TFLOP/s against 1.
  auto compute = tune::evidence_of(1.0, 1.0, harness(1024, 0, 2e12), peaks);
  REQUIRE(tune::beyond_light(compute).size() == 1);
  CHECK_THAT(tune::beyond_light(compute)[0],
             Catch::Contains("2 TFLOP/s by the harness's work(), 2x the measured fp32 FMA rate"));

  // Without peaks or a declared traffic there is nothing to compare.
  CHECK(tune::beyond_light(tune::evidence_of(1e-9, 1.0, big, std::nullopt)).empty());
  CHECK(tune::beyond_light(tune::evidence_of(1e-9, 1.0, harness(16, 0), peaks)).empty());
}

TEST_CASE("gates: on a GPU the memory bounds whatever the buffers' size", "[review]") {
  backends::Peaks gpu;
  gpu.copy_bytes_per_s = 3e12;
  gpu.fma_flops_per_s = 60e12;
  auto e = tune::evidence_of(1e-6, 1e-6, harness(16, 4e6), gpu);  // 4 TB/s from 64 bytes
  CHECK(e.memory_level == "memory");
  CHECK(tune::beyond_light(e).size() == 1);
  auto bound = tune::harness_peaks(gpu, harness(16, 4e6));
  REQUIRE(bound);
  CHECK(bound->copy_bytes_per_s == 3e12);
  CHECK(tune::harness_peaks(cpu_peaks(), harness(16, 1))->copy_bytes_per_s == 1e12);
}

TEST_CASE("gates: defaults beyond the speed of light stop the tune", "[review]") {
  // The case: a column sum measured at 26 ns a call, 627 TB/s.
  auto described = harness(2048 * 2048 + 2048, (2048.0 * 2048 + 2048) * 4);
  auto defaults = tune::evidence_of(26e-9, 26e-9, described, cpu_peaks());
  auto error = tune::defaults_beyond_light(defaults);
  REQUIRE(error);
  CHECK_THAT(*error, Catch::Contains("the defaults run faster than the device's speed of light"));
  CHECK_THAT(*error, Catch::Contains("646 TB/s by the harness's traffic()"));
  CHECK_THAT(*error, Catch::Contains("the measured memory bandwidth (100 GB/s)"));
  CHECK_THAT(*error, Catch::Contains("the kernel does no work, or its results are unused"));
  CHECK_THAT(*error, Catch::Contains("Nothing was recorded"));
  // Fast defaults are fine as long as the rate is possible; a speedup means nothing for them.
  CHECK_FALSE(tune::defaults_beyond_light(tune::evidence_of(1e-3, 1e-3, described, cpu_peaks())));
}

TEST_CASE("gates: what builds use while a winner waits", "[review]") {
  const auto defaults = params(1);
  const auto fast = speedup_of(20);

  SECTION("no gate tripped: no review") {
    auto d = tune::decide_review(params(4), std::nullopt, speedup_of(3), nullptr, defaults);
    CHECK_FALSE(d.review);
    CHECK_FALSE(d.fallback);
  }
  SECTION("a first tune: the defaults") {
    auto d = tune::decide_review(params(4), std::nullopt, fast, nullptr, defaults);
    REQUIRE(d.review);
    CHECK(d.review->state == ReviewState::pending);
    CHECK(d.review->evidence.speedup == 20);
    CHECK_FALSE(d.fallback);
  }
  SECTION("the winner builds used before") {
    auto previous = record_of(2, 3);
    auto d = tune::decide_review(params(4), std::nullopt, fast, &previous, defaults);
    REQUIRE(d.fallback);
    CHECK(d.fallback->best == params(2));
    CHECK(d.fallback->speedup == 3);
    CHECK(d.fallback->date == previous.date);
  }
  SECTION("previous defaults that stood are no fallback") {
    auto previous = record_of(1, 1);
    CHECK_FALSE(tune::decide_review(params(4), std::nullopt, fast, &previous, defaults).fallback);
  }
  SECTION("a pending winner replaced by another keeps the same fallback") {
    auto previous = record_of(8, 30);
    previous.review = knowledge::Review{ReviewState::pending, {"30x"}, speedup_of(30), {}, {}};
    previous.fallback = knowledge::Fallback{params(2), 0.3, 3, "then"};
    auto d = tune::decide_review(params(4), std::nullopt, fast, &previous, defaults);
    CHECK(d.review->state == ReviewState::pending);
    REQUIRE(d.fallback);
    CHECK(d.fallback->best == params(2));
  }
  SECTION("an acceptance holds for the same parameter values only") {
    auto previous = record_of(4, 25);
    previous.review = knowledge::Review{ReviewState::accepted, {"25x"}, speedup_of(25), "alice",
                                        "2026-11-02T00:00:00Z"};
    auto same = tune::decide_review(params(4), std::nullopt, fast, &previous, defaults);
    REQUIRE(same.review);
    CHECK(same.review->state == ReviewState::accepted);
    CHECK(same.review->accepted_by == "alice");
    CHECK(same.review->evidence.speedup == 20);  // the new measurement
    CHECK_FALSE(same.fallback);

    auto other = tune::decide_review(params(8), std::nullopt, fast, &previous, defaults);
    CHECK(other.review->state == ReviewState::pending);
    CHECK(other.review->accepted_by.empty());
    REQUIRE(other.fallback);  // the accepted winner is what builds keep
    CHECK(other.fallback->best == params(4));

    auto variant = tune::decide_review(params(4), kevolve::test::variant_ref("0123456789abcdef0123456789abcdef"), fast, &previous, defaults);
    CHECK(variant.review->state == ReviewState::pending);
  }
}

TEST_CASE("gates: the record of a tune", "[review]") {
  tune::Progress progress{true};
  auto described = harness(16, 0);
  auto winner = record_of(4, 20);
  auto line = tune::apply_review_gates(winner, true, described, std::nullopt, nullptr, params(1),
                                       progress);
  CHECK(winner.pending_review());
  CHECK(line == "the winner X=4 waits for review (20.0x faster than the defaults (more than 10x)); "
                "builds use the defaults");

  auto modest = record_of(4, 2);
  CHECK(tune::apply_review_gates(modest, true, described, std::nullopt, nullptr, params(1),
                                 progress)
            .empty());
  CHECK_FALSE(modest.review);
  CHECK_FALSE(modest.extra.contains("note"));

  auto stand = record_of(1, 1);
  CHECK(tune::apply_review_gates(stand, false, described, std::nullopt, nullptr, params(1),
                                 progress)
            .empty());
  CHECK(stand.extra.contains("note"));
}

TEST_CASE("accept: who and when, and builds use the winner", "[review]") {
  auto r = record_of(4, 20);
  CHECK_THAT(tune::accept_review(r, "alice", "2026-11-03T00:00:00Z").error(),
             Catch::Contains("needs no review"));
  r.review = knowledge::Review{ReviewState::pending, {"20x"}, speedup_of(20), {}, {}};
  r.fallback = knowledge::Fallback{params(2), 0.3, 3, "then"};
  REQUIRE(tune::accept_review(r, "alice", "2026-11-03T00:00:00Z"));
  CHECK(r.review->state == ReviewState::accepted);
  CHECK(r.review->accepted_by == "alice");
  CHECK(r.review->accepted_at == "2026-11-03T00:00:00Z");
  CHECK_FALSE(r.fallback);
  CHECK_THAT(tune::accept_review(r, "bob", "later").error(),
             Catch::Contains("accepted already, by alice on 2026-11-03T00:00:00Z"));
  auto anonymous = record_of(4, 20);
  anonymous.review = knowledge::Review{ReviewState::pending, {"20x"}, speedup_of(20), {}, {}};
  REQUIRE(tune::accept_review(anonymous, "", "now"));
  CHECK(anonymous.review->accepted_by == "unknown");
}
