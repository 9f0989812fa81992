#include "tool/search/simulate.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <zlib.h>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::search;

namespace {

// 6 of 8 combinations recorded, one of them failed; the optimum is 2.0 at block=256, vec=2.
constexpr const char* k_cache = R"({"device_name": "Test GPU", "kernel_name": "saxpy",
 "tune_params_keys": ["block", "vec"],
 "tune_params": {"block": [64, 128, 256, 512], "vec": [1, 2]},
 "cache": {
  "64,1":  {"block": 64,  "vec": 1, "time": 4.0},
  "64,2":  {"block": 64,  "vec": 2, "time": 3.0},
  "128,1": {"block": 128, "vec": 1, "time": 2.5},
  "128,2": {"block": 128, "vec": 2, "time": "RuntimeFailedConfig"},
  "256,2": {"block": 256, "vec": 2, "time": 2.0},
  "512,1": {"block": 512, "vec": 1, "time": 5.0}}})";

void write_gzip(const std::filesystem::path& file, const std::string& text) {
  gzFile out = gzopen(file.c_str(), "wb");
  REQUIRE(out);
  REQUIRE(gzwrite(out, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(out) == Z_OK);
}

}  // namespace

TEST_CASE("recorded space: plain or gzipped, only the recorded points, failures known",
          "[search][simulate]") {
  test::TempDir dir;
  dir.write("cache.json", k_cache);
  write_gzip(dir / "cache.json.gz", k_cache);
  for (const char* file : {"cache.json", "cache.json.gz"}) {
    INFO(file);
    auto r = load_recorded_space(dir / file);
    REQUIRE(r);
    CHECK(r->kernel == "saxpy");
    CHECK(r->device == "Test GPU");
    CHECK(r->space.size() == 6);
    CHECK(r->space.raw_size() == 8);
    CHECK(r->failed == 1);
    CHECK(r->optimum_ms == 2.0);
    CHECK_FALSE(r->space.contains({2, 0}));  // 256,1: not recorded, outside the space
    auto failed = r->space.index_of({1, 1});
    REQUIRE(failed);
    CHECK(std::isnan(r->time_ms[*failed]));
    CHECK(r->time_ms[*r->space.index_of({2, 1})] == 2.0);
  }
}

TEST_CASE("simulate: scores are fractions of the optimum, reproducible per seed",
          "[search][simulate]") {
  test::TempDir dir;
  dir.write("cache.json", k_cache);
  auto r = load_recorded_space(dir / "cache.json");
  REQUIRE(r);

  auto all = simulate(*r, {"exhaustive", 6, 5, 1, 1});
  REQUIRE(all);
  CHECK(all->mean == 1.0);
  CHECK(all->hit_rate == 1.0);

  // One evaluation: the fraction is 2 / (the time drawn), 0 when the failed point is drawn.
  auto one = simulate(*r, {"random", 1, 200, 7, 1});
  REQUIRE(one);
  for (double f : one->fractions) {
    bool expected = f == 0.0 || f == 0.5 || f == 2.0 / 3.0 || f == 0.8 || f == 1.0 || f == 0.4;
    CHECK(expected);
  }
  CHECK(one->mean > 0.4);
  CHECK(one->mean < 0.9);
  CHECK(one->hit_rate > 0.05);
  CHECK(one->hit_rate < 0.35);
  auto again = simulate(*r, {"random", 1, 200, 7, 1});
  REQUIRE(again);
  CHECK(again->fractions == one->fractions);
  auto other = simulate(*r, {"random", 1, 200, 8, 1});
  REQUIRE(other);
  CHECK(other->fractions != one->fractions);

  CHECK_FALSE(simulate(*r, {"random", 0, 1, 1, 1}));
  auto unknown = simulate(*r, {"greedy", 3, 1, 1, 1});
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error(), Catch::Contains("known: exhaustive"));
}

TEST_CASE("recorded space: bad files say what is wrong", "[search][simulate]") {
  test::TempDir dir;
  auto error_of = [&](const std::string& text) {
    dir.write("bad.json", text);
    auto r = load_recorded_space(dir / "bad.json");
    REQUIRE_FALSE(r);
    return r.error();
  };
  CHECK_THAT(error_of("{\"cache\": "), Catch::Contains("bad.json:1:"));
  CHECK_THAT(error_of("[1, 2]"), Catch::Contains("expected a JSON object"));
  CHECK_THAT(error_of(R"({"tune_params": {}, "cache": {}})"),
             Catch::Contains("no 'tune_params_keys'"));
  CHECK_THAT(error_of(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]}, "cache": {}})"),
             Catch::Contains("holds no configuration"));
  CHECK_THAT(error_of(R"({"tune_params_keys": ["a"], "tune_params": {}, "cache": {}})"),
             Catch::Contains("no list of values for 'a'"));
  CHECK_THAT(error_of(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]},
                          "cache": {"1": {"a": 1}}})"),
             Catch::Contains("configuration '1' has no 'time'"));
  CHECK_THAT(error_of(R"({"tune_params_keys": ["a", "b"], "tune_params": {"a": [1], "b": [2]},
                          "cache": {"1,2": {"a": 1, "time": 1.0}}})"),
             Catch::Contains("configuration '1,2' has no value for 'b'"));
  std::string gz = std::string("\x1f\x8b\x08\x00", 4) + "garbage";
  dir.write("bad.json.gz", gz);
  auto damaged = load_recorded_space(dir / "bad.json.gz");
  REQUIRE_FALSE(damaged);
  CHECK_THAT(damaged.error(), Catch::Contains("bad.json.gz"));
}
