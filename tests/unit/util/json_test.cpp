#include "util/json.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace kevolve::util;

TEST_CASE("json: nesting deeper than the limit is an error at its position", "[util][json]") {
  std::string at_limit = std::string(k_max_json_depth, '[') + std::string(k_max_json_depth, ']');
  CHECK(parse_json(at_limit, "a.json"));

  std::string deep = "{\"a\":\n " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto refused = parse_json(deep, "a.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == "a.json:2:65: JSON nested deeper than 64 levels");

  // Unbalanced: still found by the scan, before the parser would build anything.
  auto open_only = parse_json(std::string(1000, '{'), "b.json");
  REQUIRE_FALSE(open_only);
  CHECK(open_only.error() == "b.json:1:65: JSON nested deeper than 64 levels");
}

TEST_CASE("json: brackets inside strings do not count as nesting", "[util][json]") {
  std::string text =
      "{\"s\": \"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\", \"t\": [[1]]}";
  auto parsed = parse_json(text, "s.json");
  REQUIRE(parsed);
  CHECK((*parsed)["s"].get<std::string>().size() == 2001);
  CHECK((*parsed)["t"][0][0] == 1);
}

TEST_CASE("json: a number out of range is an error, not an exception", "[util][json]") {
  auto doc = parse_json(R"({"schema": 1e400})", "w.json");
  REQUIRE_FALSE(doc);
  CHECK_THAT(doc.error(), Catch::StartsWith("w.json: invalid JSON"));
  CHECK_THAT(doc.error(), Catch::Contains("number overflow"));
}
