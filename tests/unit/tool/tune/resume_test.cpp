#include "tool/tune/resume.hpp"

#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

knowledge::TrialRecord line(const tune::TrialKey& key, std::int64_t x, std::string status,
                            std::optional<double> time) {
  knowledge::TrialRecord r = key.record({{"X", space::Value(x)}}, "random");
  r.status = std::move(status);
  r.time_s = time;
  return r;
}

}  // namespace

TEST_CASE("resume takes the lines of the same unit, sources, device and problem", "[resume]") {
  space::Space space = test::space_of("X: 1, 2, 3, 4");
  tune::TrialKey key{"u", "h1", "cpu-x86_64-test", {{"n", 1024}}, "b1", ""};
  std::vector<knowledge::TrialRecord> log = {line(key, 1, "ok", 2.0)};
  tune::TrialKey other = key;
  other.source_hash = "h0";  // the sources changed since
  log.push_back(line(other, 2, "ok", 0.1));
  other = key;
  other.device_id = "cpu-aarch64-test";
  log.push_back(line(other, 2, "ok", 0.1));
  other = key;
  other.problem = {{"n", 2048}};
  log.push_back(line(other, 2, "ok", 0.1));
  other = key;
  other.unit = "v";
  log.push_back(line(other, 2, "ok", 0.1));
  log.push_back(line(key, 3, "timeout", std::nullopt));

  tune::History h = tune::resume(log, key, space);
  REQUIRE(h.size() == 2);
  CHECK(h.all()[0].ok());
  CHECK(h.all()[0].time_s == 2.0);
  CHECK(h.all()[1].status == backends::Status::timeout);
  CHECK(h.statuses().at("ok") == 1);
  CHECK(h.statuses().at("timeout") == 1);
  CHECK(h.best() == 2.0);
}

TEST_CASE("resume: a later failure of a point overrides its correct run", "[resume]") {
  space::Space space = test::space_of("X: 1, 2, 3, 4");
  tune::TrialKey key{"u", "h1", "cpu", {}, "b1", ""};
  std::vector<knowledge::TrialRecord> log = {
      line(key, 2, "ok", 0.5), line(key, 3, "ok", 0.9),
      line(key, 2, "wrong_result", std::nullopt),  // its re-verification failed
      line(key, 3, "ok", 0.1),                     // a later correct run changes nothing
  };
  tune::History h = tune::resume(log, key, space);
  REQUIRE(h.size() == 2);
  CHECK(h.all()[0].status == backends::Status::wrong_result);
  CHECK(h.best() == 0.9);
  CHECK(h.statuses().at("ok") == 1);
  CHECK(h.statuses().at("wrong_result") == 1);
}

TEST_CASE("resume counts each point once and skips points not in today's space", "[resume]") {
  space::Space space = test::space_of("X: 1, 2, 3, 4");
  tune::TrialKey key{"u", "h1", "cpu", {}, "b1", ""};
  std::vector<knowledge::TrialRecord> log = {
      line(key, 2, "ok", 1.0),
      line(key, 2, "ok", 0.5),   // a repeat: the first line counts
      line(key, 9, "ok", 0.1),   // no longer a value of X
      line(key, 3, "ok", std::nullopt),  // "ok" without a time: nothing to learn from
  };
  tune::History h = tune::resume(log, key, space);
  REQUIRE(h.size() == 2);
  CHECK(h.all()[0].time_s == 1.0);
  CHECK_FALSE(h.all()[1].ok());
  CHECK(h.best() == 1.0);
  CHECK(h.fastest(5, std::nullopt).size() == 1);
}

TEST_CASE("resume: environment failures are tried again; other builds' lines do not count",
          "[resume]") {
  space::Space space = test::space_of("X: 1, 2, 3, 4");
  tune::TrialKey key{"u", "h1", "cpu", {}, "b1", ""};
  std::vector<knowledge::TrialRecord> log = {
      line(key, 1, "ok", 1.0),
      line(key, 2, std::string(knowledge::k_environment_error), std::nullopt),
  };
  tune::TrialKey other_build = key;
  other_build.build = "b0";  // measured with other flags
  log.push_back(line(other_build, 3, "ok", 0.1));
  tune::TrialKey before_builds = key;
  before_builds.build.clear();  // written before kevolve recorded builds: counts for any
  log.push_back(line(before_builds, 4, "ok", 0.5));

  tune::History h = tune::resume(log, key, space);
  REQUIRE(h.size() == 2);
  CHECK(tune::params_of(space, h.all()[0].point)[0].second.integer() == 1);
  CHECK(tune::params_of(space, h.all()[1].point)[0].second.integer() == 4);
  CHECK_FALSE(h.statuses().count("environment_error"));
  CHECK(h.all()[0].trial_id == log[0].id);  // the winner's record can refer to it
}
