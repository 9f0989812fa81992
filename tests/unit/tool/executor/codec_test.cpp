// What crosses the work directory between a tune and its workers: each record survives the
// round trip, and a record a candidate (or a torn write) garbled is an error, never a throw.

#include "tool/executor/codec.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace kevolve;
using executor::to_json;

TEST_CASE("a recipe crosses the work directory whole", "[executor]") {
  backends::CandidateRecipe r;
  r.unit = "scale";
  r.backend = backends::Backend::cuda;
  r.gpu_arch = "sm_90a";
  r.compiler = "/usr/local/cuda/bin/nvcc";
  r.compiler_version = "13.0";
  r.sources = {{"/p/scale.cu", {"-O3", "-DX=1"}}, {"/p/bench.cu", {}}};
  r.companions = {{"/p/helper.cu", {"-I/p"}}};
  r.harness_reads_params = false;
  r.main_flags = {"-std=c++17"};
  r.link_flags = {"-lcublas"};
  r.link_origin = "target app";
  r.cache_dir = "/b/cache";
  r.work_dir = "/b/work";
  r.compile_timeout = std::chrono::milliseconds(1234);
  auto back = executor::recipe_from(to_json(r));
  REQUIRE(back);
  CHECK(to_json(*back) == to_json(r));
  CHECK(back->backend == backends::Backend::cuda);
  CHECK(back->sources[0].flags == std::vector<std::string>{"-O3", "-DX=1"});
  CHECK(back->compile_timeout.count() == 1234);
}

TEST_CASE("evaluation options cross with the paths candidates must not see", "[executor]") {
  eval::EvalOptions o;
  o.seeds = 5;
  o.timeout_factor = 7;
  o.hidden = {"/shared/kevolve-slurm/20261206-010203-42"};
  auto back = executor::options_from(to_json(o));
  REQUIRE(back);
  CHECK(back->seeds == 5);
  CHECK(back->timeout_factor == 7);
  CHECK(back->hidden == o.hidden);
}

TEST_CASE("a trial and its measurement cross whole", "[executor]") {
  eval::Trial t;
  t.status = backends::Status::rejected;
  t.message = "drained";
  t.time = eval::Measurement{1e-3, 9e-4, 2e-3, {1e-3, 9e-4}, 1.1e-3, 2e-5};
  t.phase = {0.5, 0.4, 0.3, 17};
  t.build_s = 1.5;
  auto back = executor::trial_from(to_json(t));
  REQUIRE(back);
  CHECK(back->status == backends::Status::rejected);
  CHECK(back->message == "drained");
  REQUIRE(back->time);
  CHECK(back->time->samples.size() == 2);
  CHECK(back->time->drain_median_s == Approx(2e-5));
  CHECK(back->phase.calls == 17);
  t.time.reset();
  t.status = backends::Status::lost;
  auto untimed = executor::trial_from(to_json(t));
  REQUIRE(untimed);
  CHECK(!untimed->time);
  CHECK(untimed->status == backends::Status::lost);
}

TEST_CASE("a description crosses as the harness's describe reply would", "[executor]") {
  backends::Description d;
  d.sizes = {{"N", {256, 1024}}};
  d.problem = {{"N", 1024}};
  d.buffers = {{"x", "f32", "input", 1024}, {"y", "f32", "output", 1024}};
  d.refillable = {"x"};
  d.traffic = 8192;
  d.work = 2048;
  d.tolerances = {{"y", {1e-5, 1e-6}}};
  d.has_reference = true;
  backends::Description back = backends::description_from(to_json(d));
  CHECK(to_json(back) == to_json(d));
  CHECK(back.refillable == std::vector<std::string>{"x"});
}

TEST_CASE("a node's device crosses with its peaks", "[executor]") {
  executor::NodeDevice n;
  n.device.backend = backends::Backend::cpu;
  n.device.id = knowledge::DeviceId::make("cpu", "x86_64", "Test CPU 9000");
  n.device.name = "Test CPU 9000";
  n.device.facts.values["cores"] = 2;
  backends::Peaks p;
  p.copy_bytes_per_s = 1e10;
  p.fma_flops_per_s = 1e11;
  n.peaks = p;
  auto back = executor::node_device_from(to_json(n));
  REQUIRE(back);
  CHECK(back->device.id == n.device.id);
  CHECK(back->device.facts.get("cores") == 2);
  REQUIRE(back->peaks);
  CHECK(back->peaks->copy_bytes_per_s == Approx(1e10));
}

TEST_CASE("garbled worker records are errors, not exceptions", "[executor]") {
  using util::Json;
  for (const Json& bad : {Json(), Json::array(), Json{{"status", 3}}, Json{{"ok", "yes"}},
                          Json{{"status", "fast"}, {"message", ""}}}) {
    CHECK(!executor::trial_from(bad));
    CHECK(!executor::build_from(bad));
    CHECK(!executor::recipe_from(bad));
    CHECK(!executor::options_from(bad));
    CHECK(!executor::node_device_from(bad));
  }
  Json recipe = to_json(backends::CandidateRecipe{});
  recipe["backend"] = "fpga";
  auto unknown = executor::recipe_from(recipe);
  REQUIRE(!unknown);
  CHECK_THAT(unknown.error(), Catch::Contains("fpga"));
  Json device = to_json(executor::NodeDevice{});
  device["id"] = "../../etc";
  CHECK(!executor::node_device_from(device));
}
