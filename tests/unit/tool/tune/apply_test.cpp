#include "tool/tune/apply.hpp"

#include "temp_dir.hpp"
#include "tool/tune/fake_candidates.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
using knowledge::ReviewState;

namespace {

const char* const k_device = "cpu-x86_64-test";

knowledge::ParamValues x_is(std::int64_t x) { return {{"X", space::Value(x)}}; }

// A knowledge directory with the wisdom of unit `u` (X: 1, 2, 4, 8; default 1) whose winner is
// X=4, shaped by `edit`, and what a build of it would inject.
struct Build {
  test::TempDir dir;
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8", {1});

  template <typename Edit>
  explicit Build(Edit edit) {
    unit.kernel_hash = "kernel-u";
    knowledge::Wisdom w;
    w.unit = "u";
    w.device_id = k_device;
    w.source_hash = unit.hash;
    w.kernel_hash = unit.kernel_hash;
    w.space = unit.space;
    knowledge::SizeRecord r;
    r.primary = true;
    r.best = x_is(4);
    r.time_s = 0.05;
    r.baseline_s = 1;
    r.speedup = 20;
    edit(r);
    w.records.push_back(r);
    auto store = knowledge::KnowledgeDir::open_or_create(dir / ".kevolve");
    REQUIRE(store);
    REQUIRE(store->write(w));
  }

  tune::UnitWisdom wisdom() const {
    auto store = knowledge::KnowledgeDir::open(dir / ".kevolve");
    REQUIRE(store);
    auto w = tune::find_wisdom(&*store, unit, *knowledge::DeviceId::parse(k_device));
    REQUIRE(w);
    return *w;
  }

  tune::Injection injection() const {
    analyzers::TargetScan scan;
    scan.units = {unit};
    tune::TargetConfig config;
    config.target = "app";
    config.knowledge_dir = dir / ".kevolve";
    auto injected = tune::render_injection(scan, config, k_device, backends::Inventory{});
    REQUIRE(injected);
    return *injected;
  }
};

knowledge::Review review(ReviewState state) {
  knowledge::ReviewEvidence e;
  e.speedup = 20;
  e.time_s = 0.05;
  e.baseline_s = 1;
  knowledge::Review r{state, {"20.0x faster than the defaults (more than 10x)"}, e, {}, {}};
  if (state == ReviewState::accepted) {
    r.accepted_by = "alice";
    r.accepted_at = "2026-11-03T00:00:00Z";
  }
  return r;
}

}  // namespace

TEST_CASE("apply: a winner that waits for review is not injected", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) { r.review = review(ReviewState::pending); });
  tune::UnitWisdom w = b.wisdom();
  CHECK(w.review);
  CHECK_FALSE(w.injectable);
  CHECK(w.review_reason == "20.0x faster than the defaults (more than 10x)");
  CHECK(w.note ==
        "its winner X=4 waits for review (20.0x faster than the defaults (more than 10x)); using "
        "the defaults (kevolve accept u --device cpu-x86_64-test)");
  tune::Injection injection = b.injection();
  CHECK(injection.header.find("KEVOLVE_TUNED_u_X") == std::string::npos);
  REQUIRE(injection.notes.size() == 1);
  CHECK_THAT(injection.notes[0], Catch::StartsWith("unit u: its winner X=4 waits for review"));
}

TEST_CASE("apply: while a winner waits, builds keep the previous one", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.review = review(ReviewState::pending);
    r.fallback = knowledge::Fallback{x_is(2), 0.5, 2, "2026-11-01T00:00:00Z"};
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK(w.injectable);
  CHECK(w.injected == x_is(2));
  CHECK_THAT(w.note, Catch::Contains("using the previous winner X=2"));
  tune::Injection injection = b.injection();
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 2\n"));
  CHECK_THAT(injection.header, Catch::Contains("2.00x, the previous winner"));
}

TEST_CASE("apply: a previous winner outside the space is not used either", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.review = review(ReviewState::pending);
    r.fallback = knowledge::Fallback{x_is(3), 0.5, 2, "2026-11-01T00:00:00Z"};
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.injectable);
  CHECK_THAT(w.note, Catch::Contains("the previous winner is outside the current space"));
}

TEST_CASE("apply: an accepted winner is injected", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) { r.review = review(ReviewState::accepted); });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.review);
  CHECK(w.injectable);
  CHECK(w.injected == x_is(4));
  CHECK(w.note.empty());
  CHECK_THAT(b.injection().header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 4\n"));
}

TEST_CASE("apply: wisdom from before the gates bound is injected as before", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.extra["review"] = "speedup above 10x: check that the harness measures what the build runs";
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.review);
  CHECK(w.injected == x_is(4));
  CHECK_THAT(b.injection().header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 4\n"));
}
