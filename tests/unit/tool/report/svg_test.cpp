#include "tool/report/svg.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace kevolve;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("escape turns markup into text", "[report]") {
  CHECK(report::escape("<script>alert('x')</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(report::escape("a&b \"c\"") == "a&amp;b &quot;c&quot;");
  CHECK(report::escape("plain_unit") == "plain_unit");
}

TEST_CASE("the convergence plot draws each evaluation and the best so far", "[report]") {
  std::vector<report::Evaluation> evaluations = {
      {1, 2e-3, "ok", 2e-3},
      {2, std::nullopt, "compile_error", 2e-3},
      {3, 1e-3, "ok", 1e-3},
      {4, std::nullopt, "wrong_result", 1e-3},
  };
  std::string svg = report::convergence_svg(evaluations);
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.find("</svg>") == svg.size() - 6);
  CHECK(count(svg, "<circle") == 2);
  CHECK(count(svg, "<path d=\"M") == 2);  // the failures, as crosses
  CHECK(count(svg, report::colour_of("compile_error")) == 1);
  CHECK(count(svg, "<polyline") == 1);
  // Failures sit on the top edge, above every timed point.
  std::smatch m;
  std::string rest = svg;
  double lowest_point_y = 1e9;
  std::regex circle("cy=\"([0-9.]+)\"");
  while (std::regex_search(rest, m, circle)) {
    lowest_point_y = std::min(lowest_point_y, std::stod(m[1]));
    rest = m.suffix();
  }
  std::regex cross("<path d=\"M[0-9.]+ ([0-9.]+)l6 6");
  REQUIRE(std::regex_search(svg, m, cross));
  CHECK(std::stod(m[1]) + 6 < lowest_point_y);
}

TEST_CASE("the winner's interval is drawn around its bar", "[report]") {
  std::string svg = report::winner_svg(2e-3, 1e-3, 0.9e-3, 1.1e-3);
  CHECK(svg.find("defaults") != std::string::npos);
  CHECK(svg.find("[900 us, 1.1 ms]") != std::string::npos);
}

TEST_CASE("the peak gauge stays within 0 to 100%", "[report]") {
  std::string over = report::peak_svg(250, "memory");
  CHECK(over.find("250.0%") != std::string::npos);
  CHECK(over.find("memory peak") != std::string::npos);
  std::string hostile = report::peak_svg(10, "<b>x</b>");
  CHECK(hostile.find("<b>") == std::string::npos);
}

TEST_CASE("the runs plot has a point per run", "[report]") {
  std::string svg = report::runs_svg({{"2026-11-20 pid 1", 3e-3}, {"2026-11-21 pid 2", 2e-3}});
  CHECK(count(svg, "<circle") == 2);
  CHECK(svg.find("2026-11-21") != std::string::npos);
}
