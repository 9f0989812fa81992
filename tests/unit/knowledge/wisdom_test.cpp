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

TEST_CASE("wisdom: parsing text refuses deep nesting before building a tree",
          "[knowledge][wisdom]") {
  auto good = parse_wisdom(serialize(test::sample_wisdom()), "w.json");
  REQUIRE(good);
  CHECK(good->unit == "saxpy");
  std::string deep =
      "{\"schema\": 1, \"extra\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto refused = parse_wisdom(deep, "w.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == "w.json:1:87: JSON nested deeper than 64 levels");
  auto garbage = parse_wisdom(std::string("\0\xff{", 3), "w.json");
  REQUIRE_FALSE(garbage);
  CHECK_THAT(garbage.error(), Catch::StartsWith("w.json:1:1: invalid JSON"));
}

TEST_CASE("wisdom: reading a file that is a link or not a regular file is refused",
          "[knowledge][wisdom]") {
  test::TempDir dir;
  auto real = dir.write("real.json", serialize(test::sample_wisdom()));
  std::filesystem::create_symlink(real, dir / "link.json");
  auto link = read_wisdom_file(dir / "link.json");
  REQUIRE_FALSE(link);
  CHECK_THAT(link.error(), Catch::Contains("link.json: a symbolic link (to " + real.string()));
  auto device = read_wisdom_file("/dev/null");
  REQUIRE_FALSE(device);
  CHECK_THAT(device.error(), Catch::Contains("/dev/null: not a regular file (a character device)"));
}

TEST_CASE("wisdom: a review and its fallback round-trip", "[knowledge][wisdom]") {
  Wisdom w = test::sample_wisdom();
  SizeRecord& r = w.records[0];
  ReviewEvidence e;
  e.speedup = 23.5;
  e.time_s = 1e-6;
  e.baseline_s = 2.35e-5;
  e.bytes_per_s = 4e12;
  e.peak_bytes_per_s = 3e12;
  e.memory_level = "memory";
  r.review =
      Review{ReviewState::pending, {"23.5x faster than the defaults (more than 10x)"}, e, {}, {}};
  r.fallback = Fallback{{{"BLOCK", space::Value(128)}, {"ITEMS", space::Value(2)}},
                        1.5e-05,
                        1.4,
                        "2026-11-01T10:00:00Z"};
  const std::string text = serialize(w);
  CHECK_THAT(text, Catch::Contains("\"review\": {\n        \"state\": \"pending\","));
  CHECK_THAT(text, Catch::Contains("\"peak_bytes_per_s\": 3000000000000.0,"));
  CHECK_THAT(text, Catch::Contains("\"fallback\": {\n        \"best\": {"));
  CHECK(text.find("accepted_by") == std::string::npos);  // only once accepted
  Wisdom back = parse(text);
  REQUIRE(back.records[0].review);
  CHECK(back.records[0].pending_review());
  CHECK(back.records[0].review->evidence.memory_level == "memory");
  CHECK_FALSE(back.records[0].review->evidence.flops_per_s);
  REQUIRE(back.records[0].fallback);
  CHECK(back.records[0].fallback->best == r.fallback->best);
  CHECK(serialize(back) == text);

  r.review->state = ReviewState::accepted;
  r.review->accepted_by = "alice";
  r.review->accepted_at = "2026-11-22T09:00:00Z";
  r.fallback.reset();
  const std::string accepted = serialize(w);
  CHECK_THAT(accepted, Catch::Contains("\"accepted_by\": \"alice\","));
  Wisdom again = parse(accepted);
  CHECK_FALSE(again.records[0].pending_review());
  CHECK(again.records[0].review->accepted_at == "2026-11-22T09:00:00Z");
  CHECK(serialize(again) == accepted);
}

TEST_CASE("wisdom: files from before the gates bound read as before", "[knowledge][wisdom]") {
  // Then a review was a string note beside an injected winner: it stays a note.
  auto json = to_json(test::sample_wisdom());
  json["records"][0]["achieved"] = util::Json{{"bytes_per_s", 1e12}};
  json["records"][0]["review"] =
      "speedup above 10x: check that the harness measures what the build runs";
  json["records"][0]["profile"] = util::Json::array();
  const std::string text = util::dump_json(json);
  Wisdom w = parse(text);
  CHECK_FALSE(w.records[0].review);
  CHECK_FALSE(w.records[0].pending_review());
  CHECK(w.records[0].extra["review"].is_string());
  CHECK(serialize(w) == text);  // the same bytes: the note kept its place among the extras
}

TEST_CASE("wisdom: malformed reviews are reported with their paths", "[knowledge][wisdom]") {
  auto json = to_json(test::sample_wisdom());
  json["records"][0]["review"] = util::Json{{"state", "maybe"},
                                            {"reasons", util::Json::array()},
                                            {"evidence", util::Json{{"speedup", "big"}}},
                                            {"accepted_by", "bob"}};
  json["records"][1]["review"] =
      util::Json{{"state", "accepted"}, {"reasons", {"fast", 3}}, {"evidence", 1}};
  json["records"][1]["fallback"] = util::Json{{"best", 4}, {"time_s", 1e-5}};
  std::vector<std::string> problems;
  wisdom_from_json(json, problems);
  auto has = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return p.find(text) != std::string::npos; });
  };
  INFO(problems.size() << " problems");
  CHECK(has("records[0].review.state: 'maybe' is neither \"pending\" nor \"accepted\""));
  CHECK(has("records[0].review.reasons: expected a non-empty array of strings"));
  CHECK(has("records[0].review.evidence.speedup: expected a number"));
  CHECK(has("records[0].review.evidence.time_s: missing"));
  CHECK(has("records[1].review.reasons[1]: expected a string"));
  CHECK(has("records[1].review.evidence: expected an object"));
  CHECK(has("records[1].review.accepted_by: missing"));
  CHECK(has("records[1].fallback.best: expected an object of parameter values"));
  CHECK(has("records[1].fallback.speedup: missing"));
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
