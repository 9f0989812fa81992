#include "tool/tune/verdict.hpp"
#include "util/stats.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/resume.hpp"

#include <catch2/catch.hpp>

#include <limits>

#include <cmath>

using namespace kevolve;
using tune::judge_rounds;

namespace {
const double k_nan = std::nan("");
}

TEST_CASE("median ignores failed rounds", "[verdict]") {
  CHECK(util::median({3, 1, 2}) == 2);
  CHECK(util::median({4, 1, k_nan, 2, 3}) == 2.5);
  CHECK(std::isnan(util::median({k_nan})));
}

TEST_CASE("a contender wins only if it beats the defaults in every round", "[verdict]") {
  std::vector<std::vector<double>> medians = {
      {1.0, 1.0, 1.0},  // the defaults
      {0.9, 1.1, 0.9},  // faster in the median, slower in one round
      {0.5, 0.5, 0.5},  // twice as fast throughout
  };
  auto verdicts = judge_rounds(medians, 3);
  REQUIRE(verdicts.size() == 2);
  CHECK(verdicts[0].contender == 1);  // fastest first
  CHECK(verdicts[0].speedup == Approx(2.0));
  CHECK(verdicts[0].beats_defaults());
  CHECK(verdicts[1].contender == 0);
  CHECK(verdicts[1].speedup == Approx(1.0 / 0.9));
  CHECK(verdicts[1].low == Approx(1.0 / 1.1));
  CHECK(verdicts[1].high == Approx(1.0 / 0.9));
  CHECK_FALSE(verdicts[1].beats_defaults());
}

TEST_CASE("a contender with a failed round gets no verdict", "[verdict]") {
  auto verdicts = judge_rounds({{1.0, 1.0, 1.0}, {0.5, k_nan, 0.5}, {0.8, 0.8, 0.8}}, 3);
  REQUIRE(verdicts.size() == 1);
  CHECK(verdicts[0].contender == 1);
  // A failed round of the defaults leaves every contender without a full set of ratios.
  CHECK(judge_rounds({{1.0, k_nan, 1.0}, {0.5, 0.5, 0.5}}, 3).empty());
  CHECK(judge_rounds({}, 3).empty());
}

namespace {

struct Fixture {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 3, 4, 5, 6", {1});
  space::Space space = test::space_of(unit.space);
  tune::Progress progress{true};
  tune::History history;
  // Candidate X runs in 1/X of the defaults' time.
  test::FakeCandidates candidates{
      [](const std::string& h) { return 1.0 / static_cast<double>(test::injected(h, "X")); }};

  Fixture() {
    for (int x = 1; x <= 5; ++x) {
      space::Point p = *tune::point_of(space, {{"X", space::Value(std::int64_t{x})}});
      history.add({p, backends::Status::ok, 1.0 / x, ""}, "ok");
    }
    history.add({*tune::point_of(space, {{"X", space::Value(std::int64_t{6})}}),
                 backends::Status::wrong_result, 0, ""},
                "wrong_result");
  }
  std::string header(std::int64_t x) {
    return tune::candidate_header(unit, {{"X", space::Value(x)}});
  }
  tune::FinalChoice choose(int top = 3) {
    return tune::choose_winner(candidates, unit, space, history, {top, 5, 1}, 1.0, progress);
  }
};

std::int64_t x_of(const tune::Evaluated& e, const space::Space& s) {
  return tune::params_of(s, e.point)[0].second.integer();
}

}  // namespace

TEST_CASE("the fastest contender that beats the defaults and re-verifies wins", "[verdict]") {
  Fixture f;
  auto choice = f.choose();
  REQUIRE(choice.winner);
  CHECK(x_of(*choice.winner, f.space) == 5);
  CHECK(choice.winning->speedup == Approx(5.0));
  REQUIRE(choice.top.size() == 3);  // X=5, 4, 3: the failed X=6 and the defaults are no contenders
  CHECK(choice.top[0].time_s == Approx(0.2));
  CHECK(choice.top[2].time_s == Approx(1.0 / 3));
  CHECK(choice.notes.empty());
}

TEST_CASE("a contender that fails re-verification never wins", "[verdict]") {
  Fixture f;
  f.candidates.m_fails_reverify = {f.header(5)};
  auto choice = f.choose();
  REQUIRE(choice.winner);
  CHECK(x_of(*choice.winner, f.space) == 4);
  REQUIRE(choice.notes.size() == 1);
  CHECK(choice.notes[0].find("X=5") != std::string::npos);
  // Out of the record altogether: not among the contenders kept, but handed back for the log.
  CHECK(choice.top.size() == 2);
  for (const knowledge::Ranked& r : choice.top) CHECK(r.params[0].second.integer() != 5);
  REQUIRE(choice.failed_reverification.size() == 1);
  CHECK(x_of(choice.failed_reverification[0].first, f.space) == 5);
  CHECK(choice.failed_reverification[0].second.status == backends::Status::wrong_result);
}

TEST_CASE("a contender that does not build again is not re-timed", "[verdict]") {
  Fixture f;
  f.candidates.m_unbuildable = {f.header(5)};
  auto choice = f.choose();
  REQUIRE(choice.winner);
  CHECK(x_of(*choice.winner, f.space) == 4);
  CHECK(choice.top.size() == 2);
}

TEST_CASE("the defaults stand when no contender beats them in every round", "[verdict]") {
  Fixture f;
  // Every contender loses round 2 to the defaults.
  f.candidates.round_time_of = [](const std::string&, int round) { return round == 2 ? 1.5 : 0.5; };
  f.candidates.baseline_time = 1.2;
  auto choice = f.choose();
  CHECK_FALSE(choice.winner);
  CHECK(choice.baseline_s == Approx(1.2));  // the re-timing's, not the search's
  CHECK(choice.top.size() == 3);
}

TEST_CASE("defaults that fail every re-timing run record nothing", "[verdict]") {
  Fixture f;
  // A worker whose every run failed answers NaN: no median, no verdict, no NaN in a record.
  f.candidates.baseline_time = std::numeric_limits<double>::quiet_NaN();
  auto choice = f.choose();
  CHECK_FALSE(choice.winner);
  CHECK(choice.environment.find("failed every run of the final re-timing") != std::string::npos);
}

TEST_CASE("with nothing but the defaults there is no re-timing", "[verdict]") {
  Fixture f;
  tune::History only_defaults;
  only_defaults.add({*tune::defaults_point(f.space, f.unit), backends::Status::ok, 1.0, ""}, "ok");
  auto choice = tune::choose_winner(f.candidates, f.unit, f.space, only_defaults, {3, 5, 1}, 0.75,
                                    f.progress);
  CHECK_FALSE(choice.winner);
  CHECK(choice.baseline_s == 0.75);
  CHECK(choice.top.empty());
}

TEST_CASE("a failed re-verification goes to the trial log, and no later tune picks it",
          "[verdict]") {
  Fixture f;
  f.candidates.m_fails_reverify = {f.header(5)};
  tune::FinalChoice choice = f.choose();
  auto lines = tune::verdict_trials(choice);
  REQUIRE(lines.size() == 1);
  CHECK(x_of({lines[0].first, {}, 0, ""}, f.space) == 5);
  CHECK(lines[0].second.status == backends::Status::wrong_result);
  CHECK(lines[0].second.message.rfind("re-verification on a new seed: ", 0) == 0);

  // The next tune resumes from the log the search and the verdict wrote: X = 5 counts as failed,
  // so it is neither re-timed nor in `top`, however fast its search run was.
  tune::TrialKey key{"u", "hash-u", "cpu", {}, "b", ""};
  std::vector<knowledge::TrialRecord> log;
  for (const tune::Evaluated& e : f.history.all()) {
    knowledge::TrialRecord t = key.record(tune::params_of(f.space, e.point), "exhaustive");
    t.status = std::string(backends::name_of(e.status));
    if (e.ok()) t.time_s = e.time_s;
    log.push_back(t);
  }
  for (const auto& [point, trial] : lines) {
    knowledge::TrialRecord t = key.record(tune::params_of(f.space, point), "exhaustive");
    t.status = std::string(backends::name_of(trial.status));
    t.message = trial.message;
    log.push_back(t);
  }
  tune::History resumed = tune::resume(log, key, f.space);
  f.candidates.m_fails_reverify.clear();  // even were it to pass now
  tune::FinalChoice again =
      tune::choose_winner(f.candidates, f.unit, f.space, resumed, {3, 5, 1}, 1.0, f.progress);
  REQUIRE(again.winner);
  CHECK(x_of(*again.winner, f.space) == 4);
  for (const knowledge::Ranked& r : again.top) CHECK(r.params[0].second.integer() != 5);
}

TEST_CASE("a contender that no longer builds for the environment's reason stops the verdict",
          "[verdict]") {
  Fixture f;
  f.candidates.build_log_of = [](const std::string&) {
    return std::string("cannot run /usr/bin/c++: No such file or directory");
  };
  tune::FinalChoice choice = f.choose();
  CHECK_FALSE(choice.winner);
  CHECK(choice.top.empty());
  CHECK_THAT(choice.environment,
             Catch::Contains("the environment fails, not the candidates: the compiler or linker "
                             "cannot be run"));
  CHECK_THAT(choice.environment, Catch::Contains("fix the environment and run kevolve tune again"));
}

namespace {

// A code variant's contender: its own header (the fake times it by the marker in it).
tune::Contender variant_contender(const Fixture& f) {
  space::Point any = *tune::point_of(f.space, {{"X", space::Value(std::int64_t{1})}});
  return {{any, backends::Status::ok, 0.05, "t-variant"},
          {{"BK", space::Value(std::int64_t{64})}},
          "// VARIANT BK=64\n",
          "variant 0123abcd BK=64",
          test::variant_ref("0123456789abcdef0123456789abcdef"),
          nullptr};
}

double time_with_variant(const std::string& header) {
  return header.find("VARIANT") != std::string::npos
             ? 0.05
             : 1.0 / static_cast<double>(test::injected(header, "X"));
}

}  // namespace

TEST_CASE("a variant contends like any candidate; the unit's own best is kept as its fallback",
          "[verdict]") {
  Fixture f;
  f.candidates.time_with(time_with_variant);
  tune::FinalChoice choice = tune::choose_winner(f.candidates, f.unit, f.space, f.history,
                                                 {3, 5, 1}, 1.0, f.progress, {variant_contender(f)});
  REQUIRE(choice.winner_variant);
  CHECK(choice.winner_variant->hash == "0123456789abcdef0123456789abcdef");
  CHECK(choice.winner_params == knowledge::ParamValues{{"BK", space::Value(std::int64_t{64})}});
  CHECK(choice.original_best == knowledge::ParamValues{{"X", space::Value(std::int64_t{5})}});
  // `top` is of the unit's own space only.
  REQUIRE(choice.top.size() == 3);
  for (const knowledge::Ranked& r : choice.top) CHECK(r.params[0].first == "X");
}

TEST_CASE("a variant that fails re-verification loses, and its line names the variant",
          "[verdict]") {
  Fixture f;
  f.candidates.time_with(time_with_variant);
  f.candidates.m_fails_reverify = {"// VARIANT BK=64\n"};
  tune::FinalChoice choice = tune::choose_winner(f.candidates, f.unit, f.space, f.history,
                                                 {3, 5, 1}, 1.0, f.progress, {variant_contender(f)});
  CHECK_FALSE(choice.winner_variant);
  REQUIRE(choice.winner);
  CHECK(x_of(*choice.winner, f.space) == 5);
  REQUIRE(choice.failed_variants.size() == 1);
  CHECK(choice.failed_variants[0].variant == "0123456789abcdef0123456789abcdef");
  CHECK(choice.failed_variants[0].trial.message.rfind("re-verification on a new seed", 0) == 0);
  CHECK(choice.failed_reverification.empty());
}
