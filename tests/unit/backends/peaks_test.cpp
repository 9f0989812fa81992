#include "backends/peaks.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

TEST_CASE("peaks: the level whose bandwidth bounds a footprint", "[peaks]") {
  backends::Peaks p;
  p.copy_bytes_per_s = 20e9;
  p.caches = {{"L1d", 96e3, 800e9}, {"L2", 4e6, 300e9}, {"L3", 500e6, 25e9}};
  CHECK(backends::level_for(p, 64).name == "L1d");
  CHECK(backends::level_for(p, 96e3).bytes_per_s == 800e9);
  CHECK(backends::level_for(p, 96e3 + 1).name == "L2");
  CHECK(backends::level_for(p, 1e8).name == "L3");
  auto memory = backends::level_for(p, 1e9);
  CHECK(memory.name == "memory");
  CHECK(memory.bytes_per_s == 20e9);
  p.caches.clear();  // a GPU: its timed runs start with a flushed cache
  CHECK(backends::level_for(p, 64).name == "memory");
}

TEST_CASE("peaks: the file keeps the cache levels; older files have none", "[peaks]") {
  backends::Peaks p;
  p.copy_bytes_per_s = 20e9;
  p.fma_flops_per_s = 400e9;
  p.caches = {{"L1d", 98304, 800e9}};
  p.date = "2026-12-05T00:00:00Z";
  p.raw = util::Json{{"threads", 2}};
  util::Json json = backends::to_json(p);
  CHECK(json["caches"][0]["name"] == "L1d");
  CHECK(json["threads"] == 2);
  auto back = backends::peaks_from_json(json, "peaks.json");
  REQUIRE(back);
  REQUIRE(back->caches.size() == 1);
  CHECK(back->caches[0].bytes == 98304);
  CHECK(backends::to_json(*back) == json);

  auto gpu = backends::peaks_from_json(
      util::Json{{"copy_bytes_per_s", 3e12}, {"fma_flops_per_s", 6e13}, {"date", "then"}}, "g");
  REQUIRE(gpu);
  CHECK(gpu->caches.empty());

  auto broken = backends::peaks_from_json(
      util::Json{{"copy_bytes_per_s", 1}, {"fma_flops_per_s", 1}, {"caches", {{{"name", 3}}}}},
      "cache/peaks/x.json");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error(), Catch::Contains("cache/peaks/x.json: not a peaks record (caches"));
  CHECK_THAT(broken.error(), Catch::Contains("kevolve hw --measure"));
}
