#include "tool/tune/summary.hpp"

#include "knowledge/wisdom.hpp"

namespace kevolve::tune {

std::string state_name(UnitOutcome::State state) {
  std::string name(describe(state));
  for (char& c : name) {
    if (c == ' ') c = '_';
  }
  return name;
}

namespace {

util::Json or_null(const std::optional<double>& value) {
  return value ? util::Json(*value) : util::Json(nullptr);
}

util::Json unit_json(const SummaryRow& row) {
  const UnitOutcome& o = row.outcome;
  const std::optional<knowledge::SizeRecord>& r = o.record;
  util::Json failures = util::Json::object();
  for (const auto& [status, count] : o.statuses) {
    if (status != "ok" && count > 0) failures[status] = count;
  }
  util::Json speedup = nullptr;
  if (r) {
    speedup = util::Json{{"value", r->speedup}, {"low", r->speedup_low}, {"high", r->speedup_high}};
  }
  return util::Json{
      {"target", row.target},
      {"unit", o.unit},
      {"device", row.device},
      {"state", state_name(o.state)},
      {"message", o.message},
      // A unit already up to date evaluates nothing now: its record says how many it took.
      {"evaluations", o.evaluations},
      {"resumed", o.resumed},
      {"recorded_evaluations", r ? util::Json(r->evaluations) : util::Json(nullptr)},
      {"strategy", o.strategy},
      {"seconds", o.seconds},
      {"search_seconds", o.search_seconds},
      {"defaults_s", r ? util::Json(r->baseline_s) : util::Json(nullptr)},
      {"tuned_s", r ? util::Json(r->time_s) : util::Json(nullptr)},
      {"speedup", std::move(speedup)},
      {"peak_percent", r ? or_null(r->peak_percent) : util::Json(nullptr)},
      {"bound", r && !r->bound.empty() ? util::Json(r->bound) : util::Json(nullptr)},
      {"parameters", r ? knowledge::params_json(r->best) : util::Json(nullptr)},
      {"failures", std::move(failures)}};
}

}  // namespace

util::Json summary_json(const std::vector<SummaryRow>& rows) {
  util::Json units = util::Json::array();
  for (const SummaryRow& row : rows) units.push_back(unit_json(row));
  return util::Json{{"schema", k_summary_schema}, {"units", std::move(units)}};
}

}  // namespace kevolve::tune
