#include "knowledge/wisdom.hpp"

#include "knowledge/sample_wisdom.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::knowledge;

namespace {

Wisdom parse(const std::string& text) {
  auto json = util::parse_json(text, "test");
  REQUIRE(json);
  std::vector<std::string> problems;
  Wisdom w = wisdom_from_json(*json, problems);
  INFO(problems.size() << " problems, first: " << (problems.empty() ? "" : problems.front()));
  REQUIRE(problems.empty());
  return w;
}

}  // namespace

TEST_CASE("wisdom: the canonical text", "[knowledge][wisdom]") {
  // The on-disk format is a contract: this is what reviewers see in diffs.
  const std::string text = serialize(test::sample_wisdom());
  const std::string head =
      "{\n  \"schema\": 1,\n  \"unit\": \"saxpy\",\n  \"device_id\": "
      "\"cuda-sm_90-nvidia-h100-80gb-hbm3\",\n  \"device\": {\n    \"name\": ";
  CHECK(text.substr(0, head.size()) == head);
  CHECK_THAT(text, Catch::Contains(
                       "\"best\": {\n        \"BLOCK\": 256,\n        \"ITEMS\": 4\n      },"));
  CHECK_THAT(text, Catch::Contains("\"time_s\": 1.2345678901234568e-05,"));  // shortest round trip
  CHECK_THAT(text, Catch::Contains("\"peak\": null,"));
  CHECK(text.back() == '\n');
}

TEST_CASE("wisdom: writing what was read gives identical bytes", "[knowledge][wisdom]") {
  const std::string text = serialize(test::sample_wisdom());
  Wisdom once = parse(text);
  CHECK(serialize(once) == text);
  CHECK(serialize(parse(serialize(once))) == text);
}

TEST_CASE("wisdom: unknown fields survive a rewrite", "[knowledge][wisdom]") {
  auto json = to_json(test::sample_wisdom());
  json["reviewed_by"] = "alice";
  json["device"]["ecc"] = true;
  json["records"][0]["notes"] = util::Json::array({"fast"});
  const std::string text = util::dump_json(json);
  Wisdom w = parse(text);
  CHECK(serialize(w) == text);  // extras were appended at the end, where they already were
}

TEST_CASE("wisdom: every missing or mistyped field is reported with its path",
          "[knowledge][wisdom]") {
  auto json = to_json(test::sample_wisdom());
  json.erase("unit");
  json["records"][0]["time_s"] = "fast";
  json["records"][0]["best"]["BLOCK"] = 2.5;
  json["records"][1].erase("speedup");
  json["device"] = 3;
  std::vector<std::string> problems;
  wisdom_from_json(json, problems);
  auto has = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
  };
  CHECK(has("unit: missing"));
  CHECK(has("records[0].time_s: expected a number"));
  CHECK(has("records[0].best.BLOCK: expected an integer or a string"));
  CHECK(has("records[1].speedup: missing"));
  CHECK(has("device: expected an object"));
}

TEST_CASE("wisdom: reading a file checks JSON and schema", "[knowledge][wisdom]") {
  test::TempDir dir;
  const std::string text = serialize(test::sample_wisdom());

  auto good = read_wisdom_file(dir.write("good.json", text));
  REQUIRE(good);
  CHECK(good->primary()->best.size() == 2);

  auto truncated = read_wisdom_file(dir.write("cut.json", text.substr(0, text.size() / 2)));
  REQUIRE_FALSE(truncated);
  CHECK_THAT(truncated.error(), Catch::Contains("cut.json:"));
  CHECK_THAT(truncated.error(), Catch::Contains("invalid JSON"));
  CHECK_THAT(truncated.error(), Catch::Contains("truncated"));

  auto corrupt =
      read_wisdom_file(dir.write("bad.json", "{\n  \"schema\": 1,\n  \"unit\": saxpy\n}\n"));
  REQUIRE_FALSE(corrupt);
  CHECK_THAT(corrupt.error(), Catch::Contains("bad.json:3:"));

  std::string newer = text;
  newer.replace(newer.find("\"schema\": 1"), 11, "\"schema\": 7");
  auto future = read_wisdom_file(dir.write("new.json", newer));
  REQUIRE_FALSE(future);
  CHECK_THAT(future.error(), Catch::Contains("new.json: schema 7 is newer"));
  CHECK_THAT(future.error(), Catch::Contains("upgrade kevolve"));

  auto missing = read_wisdom_file(dir / "absent.json");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(), Catch::Contains("absent.json"));
}

TEST_CASE("wisdom: a record refers to its trial; older records without one still load",
          "[knowledge][wisdom]") {
  const std::string text = serialize(test::sample_wisdom());
  CHECK_THAT(text, Catch::Contains("\"variant\": null,\n      \"trial\": {\n        \"id\": "
                                   "\"20261121T095800Z-4242-17\",\n        \"time_s\": 1.25e-05,\n"
                                   "        \"status\": \"ok\"\n      },\n      \"time_s\""));
  Wisdom w = parse(text);
  REQUIRE(w.records[0].trial);
  CHECK(w.records[0].trial->id == "20261121T095800Z-4242-17");

  // As kevolve wrote it before records named their trial, and before it recorded the build.
  auto json = to_json(test::sample_wisdom());
  for (auto& record : json["records"]) record.erase("trial");
  Wisdom old = parse(util::dump_json(json));
  CHECK_FALSE(old.records[0].trial);
  CHECK(serialize(old) == util::dump_json(json));  // and it is written back as it was
}
