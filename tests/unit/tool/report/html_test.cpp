#include "tool/report/html.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

constexpr const char* k_hostile = "<script>alert(1)</script>";

knowledge::TrialRecord line(std::string id, std::string status, std::optional<double> time_s,
                            std::string message = "") {
  knowledge::TrialRecord t;
  t.id = id;
  t.date = "2026-11-22T01:00:00Z";
  t.status = std::move(status);
  t.time_s = time_s;
  t.message = std::move(message);
  return t;
}

report::UnitDevice hostile_unit() {
  report::UnitDevice u;
  u.unit = k_hostile;
  u.device_id = std::string("cpu-x86_64-") + k_hostile;
  knowledge::Wisdom w;
  w.unit = u.unit;
  knowledge::SizeRecord r;
  r.primary = true;
  r.best = {{"BLOCK", space::Value(std::string("\"><img src=x onerror=alert(2)>"))}};
  r.baseline_s = 2e-3;
  r.time_s = 1e-3;
  r.speedup = 2;
  r.speedup_low = 1.9;
  r.speedup_high = 2.1;
  r.peak_percent = 40;
  r.bound = k_hostile;
  r.strategy = k_hostile;
  w.records.push_back(r);
  u.wisdom = w;
  u.trials = {line("20261122T010000Z-7-1", "ok", 2e-3),
              line("20261122T010001Z-7-2", "compile_error", std::nullopt,
                   std::string("error: ") + k_hostile + "\nsecond line"),
              line("20261122T010002Z-7-3", "ok", 1e-3)};
  u.problems.push_back(std::string("bad line: ") + k_hostile);
  return u;
}

}  // namespace

TEST_CASE("the report escapes every string from the knowledge directory", "[report]") {
  std::string page = report::html_report({hostile_unit()}, std::string("/k/") + k_hostile);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("error: &lt;script&gt;") != std::string::npos);
  CHECK(page.find("second line") == std::string::npos);  // a message's first line only
}

TEST_CASE("the report is one page with a section and plots per unit", "[report]") {
  report::UnitDevice plain = hostile_unit();
  plain.unit = "triad";
  std::string page = report::html_report({plain, hostile_unit()}, "k");
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("</html>") != std::string::npos);
  std::size_t sections = 0, svgs = 0;
  for (std::size_t at = page.find("<h2>"); at != std::string::npos; at = page.find("<h2>", at + 1))
    ++sections;
  for (std::size_t at = page.find("<svg "); at != std::string::npos;
       at = page.find("<svg ", at + 1))
    ++svgs;
  CHECK(sections == 2);
  // Per unit: winner, peak, convergence, stage outcomes.
  CHECK(svgs == 8);
  // Nothing loaded at view time.
  CHECK(page.find("http://www.w3.org/2000/svg") != std::string::npos);
  CHECK(page.find("src=\"") == std::string::npos);
  CHECK(page.find("href=\"") == std::string::npos);
}

TEST_CASE("the report says what it cannot show", "[report]") {
  report::UnitDevice bare;
  bare.unit = "rmsnorm";
  bare.device_id = "cpu-x86_64-x";
  std::string page = report::html_report({bare}, "k");
  CHECK(page.find("no wisdom") != std::string::npos);
  CHECK(page.find("no trial log") != std::string::npos);
  std::string text = report::text_report({hostile_unit()});
  CHECK(text.find("2.00x") != std::string::npos);
  CHECK(text.find("1 compile_error, 2 ok") != std::string::npos);
}
