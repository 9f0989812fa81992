#include "tool/search/registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace kevolve;
using namespace kevolve::search;

namespace {

space::Space make(const std::string& text) {
  auto s = space::make_space(text, space::Facts{});
  REQUIRE(s);
  return std::move(*s);
}

// A smooth landscape over (A, B) with its minimum at A=12, B=5, and failures where A == B.
double landscape(const space::Space& s, const space::Point& p) {
  double a = static_cast<double>(s.value(p, 0).integer());
  double b = static_cast<double>(s.value(p, 1).integer());
  return 1.0 + 0.01 * ((a - 12) * (a - 12) + 3 * (b - 5) * (b - 5));
}

struct Run {
  std::vector<space::Point> proposed;
  double best = std::numeric_limits<double>::infinity();
};

Run drive(Strategy& strategy, const space::Space& s, std::size_t budget, std::size_t batch) {
  Run run;
  while (run.proposed.size() < budget) {
    auto points = strategy.propose(std::min(batch, budget - run.proposed.size()));
    if (points.empty()) break;
    for (const auto& p : points) {
      run.proposed.push_back(p);
      bool ok = s.value(p, 0).integer() != s.value(p, 1).integer();
      double t = landscape(s, p);
      strategy.observe({p, ok, ok ? t : 0});
      if (ok) run.best = std::min(run.best, t);
    }
  }
  return run;
}

}  // namespace

TEST_CASE("strategies: every name makes a strategy; unknown names list the known", "[search]") {
  space::Space s = make("A: 1..4");
  for (auto name : strategy_names()) {
    auto strategy = make_strategy(name, s, 1, std::nullopt);
    REQUIRE(strategy);
    CHECK((*strategy)->name() == name);
  }
  auto unknown = make_strategy("annealing", s, 1, std::nullopt);
  REQUIRE_FALSE(unknown);
  CHECK_THAT(
      unknown.error(),
      Catch::Contains("unknown strategy 'annealing' (known: exhaustive, random, ils, anneal, "
                      "genetic, tpe, bayes, bandit)"));
}

TEST_CASE("strategies: no point twice, only valid points, all of a small space", "[search]") {
  space::Space s = make("A: 1..20; B: 1..9; require A + B != 10");
  for (auto name : strategy_names()) {
    INFO(name);
    auto strategy = make_strategy(name, s, 7, std::nullopt);
    REQUIRE(strategy);
    Run run = drive(**strategy, s, s.size() + 10, 4);
    std::set<space::Point> distinct(run.proposed.begin(), run.proposed.end());
    CHECK(distinct.size() == run.proposed.size());
    for (const auto& p : run.proposed) CHECK(s.contains(p));
    CHECK(run.proposed.size() == s.size());  // and then it stops
  }
}

TEST_CASE("strategies: deterministic for a seed", "[search]") {
  space::Space s = make("A: 1..30; B: 1..9");
  for (auto name : {"random", "ils", "anneal", "genetic", "tpe", "bayes", "bandit"}) {
    INFO(name);
    auto first = make_strategy(name, s, 42, std::nullopt);
    auto second = make_strategy(name, s, 42, std::nullopt);
    auto other = make_strategy(name, s, 43, std::nullopt);
    Run a = drive(**first, s, 40, 3);
    Run b = drive(**second, s, 40, 3);
    Run c = drive(**other, s, 40, 3);
    CHECK(a.proposed == b.proposed);
    CHECK(a.proposed != c.proposed);
  }
}

TEST_CASE("strategies: ils starts at the defaults and walks downhill to the optimum", "[search]") {
  space::Space s = make("A: 1..30; B: 1..9");  // 270 points
  space::Point start = {0, 0};                 // A=1, B=1
  auto ils = make_strategy("ils", s, 3, start);
  REQUIRE(ils);
  Run run = drive(**ils, s, 120, 4);
  CHECK(run.proposed.front() == start);
  CHECK(run.best == Approx(1.0));  // A=12, B=5 found well within the budget
}

TEST_CASE("strategies: failed points teach: ils does not explore around them", "[search]") {
  // ils lists the neighbours of a point only once that point has worked, and moves only to one
  // that worked: a failed point, though reported at time 0 (faster than any that works), is
  // never stood on. Four parameters of four values give a point 12 neighbours of 256, so a
  // proposal beside no point that had worked is a restart. Every point with A = 1 fails, the
  // start among them.
  space::Space s = make("A: 1..4; B: 1..4; C: 1..4; D: 1..4");
  auto works = [&](const space::Point& p) { return s.value(p, 0).integer() != 1; };
  auto time = [&](const space::Point& p) {
    double t = 1.0;
    for (std::size_t i = 0; i < p.size(); ++i) t += 0.01 * (p[i] + 1.0) * (p[i] + 1.0);
    return t;  // fastest at A=2 beside the failures, B=C=D=1: 1.07
  };
  auto neighbours = [](const space::Point& a, const space::Point& b) {
    std::size_t differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i) differ += a[i] != b[i] ? 1 : 0;
    return differ == 1;
  };
  const space::Point start{0, 0, 0, 0};
  auto ils = make_strategy("ils", s, 5, start);
  REQUIRE(ils);
  std::vector<space::Point> proposed, worked;
  std::vector<space::Point> far;  // proposed beside no point that had worked: the restarts
  while (proposed.size() < 40) {
    auto points = (*ils)->propose(2);
    REQUIRE_FALSE(points.empty());
    for (const auto& p : points) {
      auto beside = [&](const space::Point& w) { return neighbours(p, w); };
      if (std::none_of(worked.begin(), worked.end(), beside)) far.push_back(p);
      proposed.push_back(p);
    }
    for (const auto& p : points) {
      (*ils)->observe({p, works(p), works(p) ? time(p) : 0});
      if (works(p)) worked.push_back(p);
    }
  }
  REQUIRE(far.size() >= 2);
  CHECK(far[0] == start);
  CHECK(works(far[1]));    // the restart after it is random; for this seed, a point that works
  CHECK(far.size() == 2);  // from there a walk: only around points that worked
  CHECK(std::count_if(proposed.begin(), proposed.end(), works) >= 30);  // one A = 1 per sweep
  // The walk reaches the optimum, beside the failures.
  CHECK(std::find(proposed.begin(), proposed.end(), space::Point{1, 0, 0, 0}) != proposed.end());
}

TEST_CASE("strategies: a resumed run replays its log and continues without repeats", "[search]") {
  space::Space s = make("A: 1..30; B: 1..9");
  auto first = make_strategy("ils", s, 9, space::Point{0, 0});
  Run before = drive(**first, s, 15, 3);

  auto resumed = make_strategy("ils", s, 9, space::Point{0, 0});
  for (const auto& p : before.proposed) {
    bool ok = s.value(p, 0).integer() != s.value(p, 1).integer();
    (*resumed)->observe({p, ok, ok ? landscape(s, p) : 0});
  }
  Run after = drive(**resumed, s, 30, 3);
  std::set<space::Point> earlier(before.proposed.begin(), before.proposed.end());
  for (const auto& p : after.proposed) CHECK_FALSE(earlier.count(p));
  CHECK(after.proposed.size() == 30);
}

TEST_CASE("strategies: the model-based ones find the optimum of a smooth space", "[search]") {
  space::Space s = make("A: 1..30; B: 1..9; require A != 29");  // 261 points
  for (auto name : {"anneal", "genetic", "tpe", "bayes", "bandit"}) {
    INFO(name);
    for (std::uint64_t seed : {1, 2, 3}) {
      auto strategy = make_strategy(name, s, seed, space::Point{0, 0});
      REQUIRE(strategy);
      Run run = drive(**strategy, s, 150, 4);
      CHECK(run.proposed.front() == space::Point{0, 0});
      CHECK(run.best <= 1.05);  // within 5% of the optimum (1.0) in 150 of 261 evaluations
    }
  }
}

TEST_CASE("strategies: bayes models a subset once results are many, and still never repeats",
          "[search]") {
  space::Space s = make("A: 1..30; B: 1..15");  // 450 points: past the 300 it models at most
  auto bayes = make_strategy("bayes", s, 5, std::nullopt);
  REQUIRE(bayes);
  Run run = drive(**bayes, s, s.size(), 8);
  std::set<space::Point> distinct(run.proposed.begin(), run.proposed.end());
  CHECK(distinct.size() == s.size());
  CHECK(run.best == Approx(1.0));
}

TEST_CASE("strategies: bayes asked again in an exhausted space proposes nothing", "[search]") {
  // More points than bayes draws at random before its model, so the model is asked too.
  space::Space s = make("A: 1..4; B: 1..4");
  auto bayes = make_strategy("bayes", s, 3, std::nullopt);
  REQUIRE(bayes);
  Run run = drive(**bayes, s, s.size(), 1);
  CHECK(run.proposed.size() == s.size());
  CHECK((*bayes)->propose(1).empty());
  CHECK((*bayes)->propose(4).empty());
}

TEST_CASE("strategies: most points failing does not stop a search", "[search]") {
  space::Space s = make("A: 1..9; B: 1..9");
  for (auto name : strategy_names()) {
    INFO(name);
    auto strategy = make_strategy(name, s, 11, std::nullopt);
    REQUIRE(strategy);
    std::size_t proposed = 0;
    double best = std::numeric_limits<double>::infinity();
    while (true) {
      auto points = (*strategy)->propose(3);
      if (points.empty()) break;
      for (const auto& p : points) {
        ++proposed;
        bool ok = s.value(p, 0).integer() == 7;  // 9 of 81 points work
        (*strategy)->observe({p, ok, ok ? landscape(s, p) : 0});
        if (ok) best = std::min(best, landscape(s, p));
      }
    }
    CHECK(proposed == s.size());
    CHECK(std::isfinite(best));
  }
}

TEST_CASE("strategies: the default is bayes, and it finds the optimum from a cold start",
          "[search]") {
  CHECK(default_strategy() == "bayes");
  space::Space s = make("A: 1..40; B: 1..20; require A % 7 != 3");  // 700 points
  for (std::size_t batch : {1, 16}) {
    INFO("batch " << batch);
    int hits = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto strategy = make_strategy(default_strategy(), s, seed, std::nullopt);
      REQUIRE(strategy);
      Run run = drive(**strategy, s, 100, batch);
      hits += run.best <= 1.05 ? 1 : 0;
    }
    CHECK(hits >= 9);  // within 5% in 100 of 700 evaluations, nearly always
  }
}
