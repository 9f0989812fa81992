#include "tool/tune/resume.hpp"

#include "tool/tune/fake_candidates.hpp"

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
  tune::TrialKey key{"u", "h1", "cpu-x86_64-test", {{"n", 1024}}};
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
  tune::TrialKey key{"u", "h1", "cpu", {}};
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
  tune::TrialKey key{"u", "h1", "cpu", {}};
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
