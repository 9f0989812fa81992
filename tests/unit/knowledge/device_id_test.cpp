#include "knowledge/device_id.hpp"

#include <catch2/catch.hpp>

using namespace kevolve::knowledge;

TEST_CASE("device id: made from backend, arch and name", "[knowledge][device_id]") {
  CHECK(DeviceId::make("cuda", "sm_90", "NVIDIA H100 80GB HBM3").str() ==
        "cuda-sm_90-nvidia-h100-80gb-hbm3");
  CHECK(DeviceId::make("cpu", "x86_64", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz").str() ==
        "cpu-x86_64-intel-xeon-platinum-8375c-cpu");
  CHECK(DeviceId::make("hip", "gfx90a", "AMD Instinct MI250X").str() ==
        "hip-gfx90a-amd-instinct-mi250x");
  CHECK(DeviceId::make("cpu", "x86_64", "").str() == "cpu-x86_64-unknown");
}

TEST_CASE("device id: parsed back", "[knowledge][device_id]") {
  auto id = DeviceId::parse("cuda-sm_90-nvidia-h100-80gb-hbm3");
  REQUIRE(id);
  CHECK(id->backend == "cuda");
  CHECK(id->arch == "sm_90");
  CHECK(id->slug == "nvidia-h100-80gb-hbm3");
  for (const char* bad : {"cuda", "cuda-sm_90", "cuda-sm_90-", "CUDA-sm_90-x", "cuda-sm_90-a--b",
                          "cuda-sm_90-x/y", "cuda--x"}) {
    INFO(bad);
    auto parsed = DeviceId::parse(bad);
    REQUIRE_FALSE(parsed);
    CHECK_THAT(parsed.error(), Catch::Contains("is not a device id"));
  }
}
