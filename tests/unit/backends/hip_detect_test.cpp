#include "backends/hip/detect.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::backends;

TEST_CASE("hip detection: gfx names", "[backends][hip]") {
  CHECK(hip::gfx_name(90010) == "gfx90a");
  CHECK(hip::gfx_name(90402) == "gfx942");
  CHECK(hip::gfx_name(110000) == "gfx1100");
  CHECK(hip::gfx_name(90008) == "gfx908");
}

TEST_CASE("hip detection: GPUs from the KFD topology", "[backends][hip]") {
  test::TempDir root;
  std::string nodes = "sys/class/kfd/kfd/topology/nodes/";
  root.write(nodes + "0/properties", "cpu_cores_count 64\nsimd_count 0\ngfx_target_version 0\n");
  root.write(nodes + "1/properties",
             "cpu_cores_count 0\nsimd_count 440\nlds_size_in_kb 64\nwave_front_size 64\n"
             "simd_per_cu 4\nmax_waves_per_simd 8\ngfx_target_version 90010\n"
             "drm_render_minor 128\nmax_engine_clk_fcompute 1700\n");
  root.write(nodes + "1/caches/0/properties", "level 1\nsize 16\n");
  root.write(nodes + "1/caches/1/properties", "level 2\nsize 8192\n");
  root.write("sys/class/drm/renderD128/device/product_name", "AMD Instinct MI250X\n");
  root.write("sys/module/amdgpu/version", "6.7.0\n");
  auto gpus = hip::detect(root.path());
  REQUIRE(gpus);
  REQUIRE(gpus->size() == 1);
  const Device& d = gpus->front();
  CHECK(d.id.str() == "hip-gfx90a-amd-instinct-mi250x");
  CHECK(d.driver == "6.7.0");
  CHECK(d.facts.get("warp") == 64);
  CHECK(d.facts.get("smem") == 65536);
  CHECK(d.facts.get("sm_count") == 110);
  CHECK(d.facts.get("l1") == 16384);
  CHECK(d.facts.get("l2") == 8 * 1024 * 1024);
  CHECK(d.facts.get("max_threads") == 1024);
}

TEST_CASE("hip detection: says why nothing was found", "[backends][hip]") {
  test::TempDir root;
  auto none = hip::detect(root.path());
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("/sys/class/kfd not present"));

  root.write("sys/class/kfd/kfd/topology/nodes/0/properties",
             "simd_count 0\ngfx_target_version 0\n");
  auto cpu_only = hip::detect(root.path());
  REQUIRE_FALSE(cpu_only);
  CHECK_THAT(cpu_only.error(), Catch::Contains("no GPU"));
}
