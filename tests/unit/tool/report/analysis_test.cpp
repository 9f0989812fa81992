#include "tool/report/analysis.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

knowledge::TrialRecord line(std::string id, std::string date, std::string status,
                            std::optional<double> time_s) {
  knowledge::TrialRecord t;
  t.id = std::move(id);
  t.date = std::move(date);
  t.status = std::move(status);
  t.time_s = time_s;
  return t;
}

}  // namespace

TEST_CASE("the lines of one process and day are one run, oldest run first", "[report]") {
  std::vector<knowledge::TrialRecord> log = {
      line("20261122T010000Z-7-1", "2026-11-22T01:00:00Z", "ok", 2.0),
      line("20261121T220000Z-42-1", "2026-11-21T22:00:00Z", "ok", 3.0),
      line("20261122T010001Z-7-2", "2026-11-22T01:00:01Z", "compile_error", std::nullopt),
      line("20261122T010002Z-7-3", "2026-11-22T01:00:02Z", "ok", 1.5),
      line("", "2026-11-20T10:00:00Z", "ok", 4.0),
  };
  std::vector<report::Run> runs = report::runs_of(log);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].key == "2026-11-20");
  CHECK(runs[1].key == "2026-11-21 pid 42");
  CHECK(runs[2].key == "2026-11-22 pid 7");
  REQUIRE(runs[2].evaluations.size() == 3);
  CHECK(*runs[2].best_s == 1.5);
  // The failure has no time but keeps the best so far; the index counts within the run.
  CHECK(!runs[2].evaluations[1].time_s);
  CHECK(runs[2].evaluations[1].best_s == 2.0);
  CHECK(runs[2].evaluations[2].index == 3);
  CHECK(runs[2].evaluations[2].best_s == 1.5);
}

TEST_CASE("a run with no ok evaluation has no tuned time", "[report]") {
  std::vector<report::Run> runs = report::runs_of(
      {line("20261122T010000Z-7-1", "2026-11-22T01:00:00Z", "timeout", std::nullopt)});
  REQUIRE(runs.size() == 1);
  CHECK(!runs[0].best_s);
  CHECK(runs[0].evaluations[0].best_s == 0);
}

TEST_CASE("stage times add up the lines that record them", "[report]") {
  auto a = line("a-1-1", "2026-11-22", "ok", 1.0);
  a.build_s = 2.0;
  a.run_s = 0.5;
  auto b = line("a-1-2", "2026-11-22", "compile_error", std::nullopt);
  b.build_s = 1.0;
  auto c = line("a-1-3", "2026-11-22", "wrong_result", std::nullopt);
  report::StageTimes s = report::stage_times({a, b, c});
  CHECK(s.build_s == 3.0);
  CHECK(s.run_s == 0.5);
  CHECK(s.timed_lines == 2);
  CHECK(s.ended["timed"] == 1);
  CHECK(s.ended["build"] == 1);
  CHECK(s.ended["verification"] == 1);
  CHECK(report::stage_of("crashed") == "run");
  CHECK(report::stage_of("environment_error") == "environment");
}
