#include "tool/tune/search_loop.hpp"

#include "tool/search/registry.hpp"
#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace kevolve;
using Clock = std::chrono::steady_clock;

namespace {

// A unit of 12 points whose candidate X runs in 1/X seconds (X = 7 fails), and the loop's
// ingredients: the trial log is a vector, the strategy has seen the defaults.
struct Loop {
  analyzers::Unit unit = test::unit_with("u", "X: 1..12", {1});
  space::Space space = test::space_of(unit.space);
  tune::Progress progress{true};
  tune::History history;
  std::vector<std::int64_t> recorded;            // trial-log lines of the candidates' outcomes
  std::vector<std::int64_t> blamed_environment;  // lines marked environment_error
  test::FakeCandidates candidates{[](const std::string& h) {
    std::int64_t x = test::injected(h, "X");
    return x == 7 ? std::nan("") : 1.0 / static_cast<double>(x);
  }};
  std::unique_ptr<search::Strategy> strategy;

  explicit Loop(const std::string& name = "exhaustive") {
    auto start = tune::defaults_point(space, unit);
    strategy = std::move(*search::make_strategy(name, space, 1, start));
    history.add({*start, backends::Status::ok, 1.0, "trial-1"}, "ok");
    strategy->observe({*start, true, 1.0});
  }

  util::Expected<tune::SearchReport> run(tune::SearchLimits limits,
                                         std::function<bool()> interrupted = [] { return false; },
                                         Clock::time_point started = Clock::now()) {
    tune::SearchLoop loop(
        *strategy, candidates,
        [this](const space::Point& p) { return tune::candidate_header(unit, tune::params_of(space, p)); },
        limits);
    loop.interrupted = std::move(interrupted);
    auto record = [this](const space::Point& p, const eval::Trial&,
                         tune::Blame blame) -> util::Expected<std::string> {
      std::int64_t x = tune::params_of(space, p)[0].second.integer();
      (blame == tune::Blame::environment ? blamed_environment : recorded).push_back(x);
      return "trial-" + std::to_string(x);
    };
    return loop.run(history, record, progress, started);
  }
};

tune::SearchLimits limits(std::uint64_t budget, bool pipelined = false, unsigned jobs = 2) {
  tune::SearchLimits l;
  l.budget = budget;
  l.jobs = jobs;
  l.evaluate_while_building = pipelined;
  return l;
}

}  // namespace

TEST_CASE("the search loop evaluates up to the budget and records every evaluation", "[search_loop]") {
  for (bool pipelined : {false, true}) {
    Loop l;
    auto report = l.run(limits(12, pipelined));
    REQUIRE(report);
    CHECK(report->stop == tune::SearchStop::budget);
    CHECK(l.history.size() == 12);  // the defaults and 11 new points: the whole space
    CHECK(l.recorded.size() == 11);
    CHECK(l.candidates.evaluations == 11);
    CHECK(l.history.best() == Approx(1.0 / 12));
    CHECK(l.history.statuses().at("wrong_result") == 1);
    CHECK(l.history.statuses().at("ok") == 11);
  }
}

TEST_CASE("the budget counts resumed evaluations", "[search_loop]") {
  Loop l("random");
  auto report = l.run(limits(5));
  REQUIRE(report);
  CHECK(l.history.size() == 5);
  CHECK(l.recorded.size() == 4);
}

TEST_CASE("the search loop stops after `stall` evaluations without a better time", "[search_loop]") {
  Loop l;
  // Every candidate is slower than the defaults: the best never improves.
  l.candidates.time_with([](const std::string&) { return 2.0; });
  auto lim = limits(12, false, 1);
  lim.stall = 3;
  auto report = l.run(lim);
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::stall);
  CHECK(l.recorded.size() == 3);
}

TEST_CASE("the search loop stops at the time limit", "[search_loop]") {
  Loop l;
  auto lim = limits(12);
  lim.time_limit_s = 5;
  auto report = l.run(lim, [] { return false; }, Clock::now() - std::chrono::seconds(10));
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::time_limit);
  CHECK(l.recorded.empty());
}

TEST_CASE("an interrupt stops the loop, and the run it cut short is no result", "[search_loop]") {
  Loop l;
  int* evaluations = &l.candidates.evaluations;
  auto report = l.run(limits(12, false, 1), [evaluations] { return *evaluations >= 3; });
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::interrupted);
  CHECK(l.candidates.evaluations == 3);
  CHECK(l.recorded.size() == 2);
  CHECK(l.history.size() == 3);
}

TEST_CASE("a trial log that cannot be written ends the search with its error", "[search_loop]") {
  Loop l;
  tune::SearchLoop loop(
      *l.strategy, l.candidates,
      [&l](const space::Point& p) { return tune::candidate_header(l.unit, tune::params_of(l.space, p)); },
      limits(12));
  loop.interrupted = [] { return false; };
  auto report = loop.run(
      l.history,
      [](const space::Point&, const eval::Trial&, tune::Blame) -> util::Expected<std::string> {
        return util::unexpected(std::string("disk full"));
      },
      l.progress, Clock::now());
  REQUIRE_FALSE(report);
  CHECK(report.error() == "disk full");
  CHECK(l.history.size() == 1);
}

TEST_CASE("each evaluation in the history refers to its trial-log line", "[search_loop]") {
  Loop l;
  REQUIRE(l.run(limits(4)));
  REQUIRE(l.history.size() == 4);
  for (std::size_t i = 1; i < 4; ++i) {
    const tune::Evaluated& e = l.history.all()[i];
    CHECK(e.trial_id == "trial-" + std::to_string(tune::params_of(l.space, e.point)[0].second.integer()));
  }
}

namespace {

const char* k_disk_full =
    "$ c++ -c kernel.cpp\nfatal error: error writing to /tmp/ccX.s: No space left on device\n";

}  // namespace

TEST_CASE("a full disk stops the search, and its failures are the environment's", "[search_loop][breaker]") {
  Loop l;
  // From X = 4 on, every build fails as a full disk makes it fail, the defaults' too.
  l.candidates.build_log_of = [](const std::string& h) {
    return test::injected(h, "X") >= 4 ? std::string(k_disk_full) : std::string();
  };
  l.candidates.defaults_log = k_disk_full;
  auto report = l.run(limits(12, false, 1));
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::environment);
  CHECK(report->environment.find("no space left on device") != std::string::npos);
  CHECK(report->environment.find("fix the environment and run kevolve tune again") !=
        std::string::npos);
  CHECK(l.recorded == std::vector<std::int64_t>{2, 3});
  CHECK(l.blamed_environment == std::vector<std::int64_t>{4});  // retried by the next tune
  CHECK(l.candidates.rebuilds == 1);
  CHECK(l.candidates.evaluations == 3);
}

TEST_CASE("candidates that fail the same way stop the search once the defaults fail too",
          "[search_loop][breaker]") {
  Loop l;
  // An error no pattern knows (a library gone missing), for every candidate from X = 3 on.
  const std::string gone = "$ c++ -o exe\n/usr/bin/ld: cannot find -lbenchmark\n";
  l.candidates.build_log_of = [gone](const std::string& h) {
    return test::injected(h, "X") >= 3 ? gone : std::string();
  };
  l.candidates.defaults_log = gone;
  auto report = l.run(limits(12, false, 1));
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::environment);
  CHECK(report->environment.find("5 candidates in a row fail with") != std::string::npos);
  CHECK(l.recorded == std::vector<std::int64_t>{2});
  CHECK(l.blamed_environment == std::vector<std::int64_t>{3, 4, 5, 6, 7});
  CHECK(l.candidates.rebuilds == 1);
}

TEST_CASE("candidates that fail by their own code do not stop the search", "[search_loop][breaker]") {
  Loop l;
  // A corner of the space fails its static_assert; the defaults still build.
  l.candidates.build_log_of = [](const std::string& h) {
    return test::injected(h, "X") >= 3 && test::injected(h, "X") <= 10
               ? std::string("kernel.cpp:9:3: error: static assertion failed: X too large\n")
               : std::string();
  };
  auto report = l.run(limits(12, false, 1));
  REQUIRE(report);
  CHECK(report->stop == tune::SearchStop::budget);
  CHECK(l.blamed_environment.empty());
  CHECK(l.recorded.size() == 11);  // every failure recorded as the candidate's
  CHECK(l.candidates.rebuilds == 1);  // one probe for that error line, never again
  CHECK(l.history.statuses().at("compile_error") == 8);  // X = 3..10
}
