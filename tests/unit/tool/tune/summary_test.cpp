#include "tool/tune/summary.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

tune::SummaryRow tuned_row() {
  tune::SummaryRow row{"app", "cpu-x86_64-test", {}};
  tune::UnitOutcome& o = row.outcome;
  o.unit = "scale";
  o.state = tune::UnitOutcome::State::tuned;
  o.evaluations = 8;
  o.resumed = 2;
  o.strategy = "exhaustive";
  o.statuses = {{"ok", 5}, {"compile_error", 2}, {"timeout", 1}, {"wrong_result", 0}};
  knowledge::SizeRecord r;
  r.best = {{"CHUNK", space::Value(std::int64_t{64})}};
  r.baseline_s = 2.0;
  r.time_s = 0.5;
  r.speedup = 4.0;
  r.speedup_low = 3.5;
  r.speedup_high = 4.5;
  r.peak_percent = 42.0;
  r.bound = "memory";
  r.evaluations = 8;
  o.record = r;
  return row;
}

}  // namespace

TEST_CASE("summary json: a tuned unit's row", "[tune][summary]") {
  util::Json out = tune::summary_json({tuned_row()});
  CHECK(out["schema"] == tune::k_summary_schema);
  REQUIRE(out["units"].size() == 1);
  const util::Json& u = out["units"][0];
  CHECK(u["target"] == "app");
  CHECK(u["unit"] == "scale");
  CHECK(u["device"] == "cpu-x86_64-test");
  CHECK(u["state"] == "tuned");
  CHECK(u["evaluations"] == 8);
  CHECK(u["resumed"] == 2);
  CHECK(u["defaults_s"] == 2.0);
  CHECK(u["tuned_s"] == 0.5);
  CHECK(u["speedup"] == util::Json{{"value", 4.0}, {"low", 3.5}, {"high", 4.5}});
  CHECK(u["peak_percent"] == 42.0);
  CHECK(u["bound"] == "memory");
  CHECK(u["parameters"] == util::Json{{"CHUNK", 64}});
  // Failures by status: "ok" and statuses never seen are left out.
  CHECK(u["failures"] == util::Json{{"compile_error", 2}, {"timeout", 1}});
}

TEST_CASE("summary json: a failed unit has nulls where the table has '-'", "[tune][summary]") {
  tune::SummaryRow row{"app", "-", {}};
  row.outcome.unit = "broken";
  row.outcome.state = tune::UnitOutcome::State::failed;
  row.outcome.message = "the defaults do not compile";
  row.outcome.statuses = {{"compile_error", 1}};
  const util::Json u = tune::summary_json({row})["units"][0];
  CHECK(u["state"] == "failed");
  CHECK(u["message"] == "the defaults do not compile");
  for (const char* key : {"defaults_s", "tuned_s", "speedup", "peak_percent", "bound",
                          "parameters", "recorded_evaluations"}) {
    INFO(key);
    CHECK(u[key].is_null());
  }
  CHECK(u["failures"] == util::Json{{"compile_error", 1}});
}

TEST_CASE("summary json: states are spelt with underscores", "[tune][summary]") {
  CHECK(tune::state_name(tune::UnitOutcome::State::defaults_stand) == "defaults_stand");
  CHECK(tune::state_name(tune::UnitOutcome::State::up_to_date) == "up_to_date");
  CHECK(tune::state_name(tune::UnitOutcome::State::review) == "review");
}
