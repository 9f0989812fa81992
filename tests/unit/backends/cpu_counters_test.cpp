#include "backends/cpu/counters.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
using backends::cpu::Counters;

namespace {

const util::Json k_reply = util::Json::parse(R"({
  "status": "ok", "calls": 100, "seconds": 0.05,
  "counts": {"instructions": 6e8, "cycles": 1e9, "cache_references": 2e6, "cache_misses": 2.4e5,
             "l1d_loads": 1e8, "l1d_load_misses": 3.8e7, "branches": 5e7},
  "unavailable": {"branch_misses": "never scheduled on the PMU"},
  "multiplexed": true, "threads": 4, "counted_threads": 4})");

}  // namespace

TEST_CASE("counters: a reply gives the counts and the figures derived from them", "[counters]") {
  auto c = backends::cpu::counters_from(k_reply);
  REQUIRE(c);
  CHECK(c->calls == 100);
  CHECK(*c->ipc() == Approx(0.6));
  CHECK(*c->l1_miss_percent() == Approx(38));
  CHECK(*c->llc_miss_percent() == Approx(12));
  CHECK_FALSE(c->branch_miss_percent());  // branch misses were not counted
  CHECK(c->multiplexed);
  CHECK(c->unavailable_reason().empty());  // some events were counted

  // The record round-trips, with the derived figures beside the counts.
  util::Json recorded = backends::cpu::to_json(*c);
  CHECK(recorded["source"] == "perf_event");
  CHECK(recorded["ipc"].get<double>() == Approx(0.6));
  CHECK_FALSE(recorded.contains("branch_miss_percent"));
  auto again = backends::cpu::counters_from(recorded);
  REQUIRE(again);
  CHECK(again->counts == c->counts);
  CHECK(again->unavailable == c->unavailable);
}

TEST_CASE("counters: nothing counted, one reason", "[counters]") {
  util::Json reply = {{"calls", 3}, {"counts", util::Json::object()}, {"unavailable", {}}};
  for (const std::string& name : backends::cpu::event_names())
    reply["unavailable"][name] = "no PMU";
  auto c = backends::cpu::counters_from(reply);
  REQUIRE(c);
  CHECK_FALSE(c->any());
  CHECK(c->unavailable_reason() == "no PMU");
  CHECK_FALSE(c->ipc());
}

TEST_CASE("counters: a hostile reply is cut down to what it may say", "[counters]") {
  CHECK_FALSE(backends::cpu::counters_from(util::Json::array()));
  CHECK_FALSE(backends::cpu::counters_from({{"calls", 0}}));
  CHECK_FALSE(backends::cpu::counters_from({{"calls", "many"}}));
  util::Json reply = {{"calls", 1},
                      {"seconds", -5},
                      {"counts",
                       {{"instructions", -1},
                        {"cycles", "fast"},
                        {"rm -rf", 1},
                        {"l1d_loads", 1e300},
                        {"branches", 10}}},
                      {"unavailable",
                       {{"branches", "both counted and not"},
                        {"cache_misses", std::string(100000, 'x')},
                        {"cycles", 42}}},
                      {"threads", -3}};
  auto c = backends::cpu::counters_from(reply);
  REQUIRE(c);
  CHECK(c->seconds == 0);
  CHECK(c->counts == std::map<std::string, double>{{"l1d_loads", 1e300}, {"branches", 10}});
  REQUIRE(c->unavailable.size() == 1);
  CHECK(c->unavailable.at("cache_misses").size() == 200);
  CHECK(c->threads == 0);
}
