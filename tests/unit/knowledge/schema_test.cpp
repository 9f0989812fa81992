#include "knowledge/schema.hpp"
#include "util/json.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
using namespace kevolve::knowledge;

TEST_CASE("schema: current documents pass unchanged", "[knowledge][schema]") {
  util::Json doc{{"schema", k_schema}, {"x", 1}};
  auto version = upgrade(doc, "f.json");
  REQUIRE(version);
  CHECK(*version == k_schema);
  CHECK(doc == util::Json{{"schema", k_schema}, {"x", 1}});
}

TEST_CASE("schema: newer documents are refused", "[knowledge][schema]") {
  util::Json doc{{"schema", k_schema + 1}};
  auto version = upgrade(doc, "f.json");
  REQUIRE_FALSE(version);
  CHECK_THAT(version.error(), Catch::Contains("f.json: schema 2 is newer"));
  CHECK_THAT(version.error(), Catch::Contains("upgrade kevolve"));
}

TEST_CASE("schema: older documents are migrated step by step", "[knowledge][schema]") {
  Migrations steps;
  steps[k_schema - 2] = [](util::Json& d) -> util::Expected<void> {
    d["renamed"] = d["old_name"];
    d.erase("old_name");
    return {};
  };
  steps[k_schema - 1] = [](util::Json& d) -> util::Expected<void> {
    d["added"] = true;
    return {};
  };
  util::Json doc{{"schema", k_schema - 2}, {"old_name", 5}};
  auto version = upgrade(doc, "f.json", steps);
  REQUIRE(version);
  CHECK(*version == k_schema - 2);
  CHECK(doc == util::Json{{"schema", k_schema}, {"renamed", 5}, {"added", true}});

  SECTION("a failing step names the file and the schema") {
    steps[k_schema - 1] = [](util::Json&) -> util::Expected<void> {
      return util::unexpected(std::string("field x is ambiguous"));
    };
    util::Json old{{"schema", k_schema - 1}};
    auto failed = upgrade(old, "f.json", steps);
    REQUIRE_FALSE(failed);
    CHECK_THAT(failed.error(), Catch::Contains("migrating from schema 0 failed: field x"));
  }
  SECTION("a missing step is an error, never a silent reset") {
    util::Json ancient{{"schema", -3}};
    auto failed = upgrade(ancient, "f.json", steps);
    REQUIRE_FALSE(failed);
    CHECK_THAT(failed.error(), Catch::Contains("no migration"));
  }
}

TEST_CASE("schema: documents without a schema are refused", "[knowledge][schema]") {
  util::Json doc{{"unit", "x"}};
  CHECK_THAT(upgrade(doc, "f.json").error(), Catch::Contains("missing integer field \"schema\""));
  util::Json list = util::Json::array();
  CHECK_THAT(upgrade(list, "f.json").error(), Catch::Contains("expected a JSON object"));
}

TEST_CASE("schema: a number past int is refused as read, not truncated", "[knowledge][schema]") {
  auto doc = util::parse_json(R"({"schema": 4294967297})", "f.json");
  REQUIRE(doc);
  auto version = upgrade(*doc, "f.json");
  REQUIRE_FALSE(version);
  CHECK_THAT(version.error(), Catch::Contains("schema 4294967297 is newer"));
}
