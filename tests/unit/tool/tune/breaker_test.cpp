#include "tool/tune/breaker.hpp"

#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

// A breaker whose trial log is a list of (X, blame) and whose probe answers `defaults_log`
// ("" : the defaults build).
struct Fixture {
  space::Space space = test::space_of("X: 1..40");
  std::vector<std::pair<std::int64_t, tune::Blame>> log;
  std::string defaults_log;
  int probes = 0;
  tune::Breaker breaker{
      [this](const space::Point& p, const eval::Trial&, tune::Blame blame) -> util::Expected<void> {
        log.emplace_back(tune::params_of(space, p)[0].second.integer(), blame);
        return {};
      },
      [this] {
        ++probes;
        backends::Build b;
        b.ok = defaults_log.empty();
        b.log = defaults_log;
        return b;
      }};

  // X built ("" log) or failed with `build_log`; true when the breaker stops the tune.
  bool evaluate(std::int64_t x, const std::string& build_log = "") {
    backends::Build b;
    b.ok = build_log.empty();
    b.log = build_log;
    eval::Trial t;
    t.status = b.ok ? backends::Status::ok : backends::Status::compile_error;
    auto judged = breaker.evaluated(*tune::point_of(space, {{"X", space::Value(x)}}), t, b);
    REQUIRE(judged);
    return judged->has_value();
  }
  std::vector<std::int64_t> blamed(tune::Blame blame) const {
    std::vector<std::int64_t> out;
    for (const auto& [x, b] : log) {
      if (b == blame) out.push_back(x);
    }
    return out;
  }
};

const std::string k_own = "kernel.cpp:9:3: error: static assertion failed: too large\n";
const std::string k_disk = "fatal error: error writing to /tmp/ccQ.s: No space left on device\n";
const std::string k_oom = "g++: fatal error: Killed signal terminated program cc1plus\n";

}  // namespace

TEST_CASE("breaker: what builds is written at once, as the candidate's", "[breaker]") {
  Fixture f;
  CHECK_FALSE(f.evaluate(1));
  CHECK_FALSE(f.evaluate(2));
  CHECK(f.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{1, 2});
  CHECK(f.probes == 0);
}

TEST_CASE("breaker: failures are held while they may be an outage", "[breaker]") {
  Fixture f;
  for (std::int64_t x = 1; x <= 4; ++x) CHECK_FALSE(f.evaluate(x, k_own));
  CHECK(f.log.empty());  // four alike: not yet a verdict
  CHECK_FALSE(f.evaluate(5));  // a candidate that builds ends the streak: they were its own
  CHECK(f.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(f.probes == 0);

  Fixture g;
  CHECK_FALSE(g.evaluate(1, k_own));
  CHECK_FALSE(g.evaluate(2, "other.cpp:1:1: error: something else\n"));  // a new streak
  CHECK(g.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{1});
  REQUIRE(g.breaker.finish());  // the end of the search: held failures are the candidates'
  CHECK(g.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("breaker: an environment failure stops the tune when the defaults fail too",
          "[breaker]") {
  Fixture f;
  f.defaults_log = "cannot run /usr/bin/c++: No such file or directory";
  CHECK_FALSE(f.evaluate(1));
  CHECK_FALSE(f.evaluate(2, k_own));
  CHECK(f.evaluate(3, k_disk));  // one is enough to ask the defaults
  CHECK(f.probes == 1);
  CHECK(f.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{1, 2});
  CHECK(f.blamed(tune::Blame::environment) == std::vector<std::int64_t>{3});
}

TEST_CASE("breaker: the stop names the cause and shows a failure's log", "[breaker]") {
  Fixture f;
  f.defaults_log = k_disk;
  backends::Build b;
  b.log = "$ c++ -c kernel.cpp\n" + k_disk;
  auto judged = f.breaker.evaluated(*tune::point_of(f.space, {{"X", space::Value(std::int64_t{4})}}),
                                    eval::Trial{}, b);
  REQUIRE(judged);
  REQUIRE(*judged);
  const std::string& m = (*judged)->message;
  CHECK(m.find("the environment fails, not the candidates: no space left on device") == 0);
  CHECK(m.find("$ c++ -c kernel.cpp") != std::string::npos);
  CHECK(m.find("1 candidate that failed this way is not recorded as failed") != std::string::npos);
  CHECK(m.find("fix the environment and run kevolve tune again") != std::string::npos);
}

TEST_CASE("breaker: when the defaults still build, an outage has passed or was the candidate's",
          "[breaker]") {
  Fixture f;  // the defaults build
  CHECK_FALSE(f.evaluate(1, k_disk));
  CHECK(f.probes == 1);
  // A full disk is never a candidate's doing: its point is tried again by the next tune.
  CHECK(f.blamed(tune::Blame::environment) == std::vector<std::int64_t>{1});
  CHECK_FALSE(f.evaluate(2, k_oom));
  CHECK(f.probes == 2);
  // Memory a candidate's own code can exhaust: the defaults build, so it is the candidate's.
  CHECK(f.blamed(tune::Blame::candidate) == std::vector<std::int64_t>{2});
}

TEST_CASE("breaker: probes are few", "[breaker]") {
  Fixture f;
  // A failing corner of the space (its own static_assert): one probe, then never again.
  for (std::int64_t x = 1; x <= 20; ++x) CHECK_FALSE(f.evaluate(x, k_own));
  CHECK(f.probes == 1);
  REQUIRE(f.breaker.finish());
  CHECK(f.blamed(tune::Blame::candidate).size() == 20);

  // An environment line that passed its probe is probed again only after k_streak more.
  Fixture g;
  CHECK_FALSE(g.evaluate(1, k_disk));
  for (std::int64_t x = 2; x <= 1 + static_cast<std::int64_t>(tune::Breaker::k_streak); ++x)
    CHECK_FALSE(g.evaluate(x, k_disk));
  CHECK(g.probes == 2);
  g.defaults_log = k_disk;  // now the disk stays full
  for (std::int64_t x = 7; x <= 10; ++x) CHECK_FALSE(g.evaluate(x, k_disk));
  CHECK(g.evaluate(11, k_disk));
  CHECK(g.probes == 3);
  CHECK(g.blamed(tune::Blame::environment).size() == 11);
  CHECK(g.blamed(tune::Blame::candidate).empty());
}
