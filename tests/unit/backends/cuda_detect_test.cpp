#include "backends/cuda/detect.hpp"
#include "backends/device.hpp"

#include <catch2/catch.hpp>

#include <stdlib.h>

using namespace kevolve;
using namespace kevolve::backends;

TEST_CASE("cuda detection: GPUs through the driver API", "[backends][cuda]") {
  auto gpus = cuda::detect(KEVOLVE_FAKE_LIBCUDA);
  REQUIRE(gpus);
  REQUIRE(gpus->size() == 1);
  const Device& d = gpus->front();
  CHECK(d.id.str() == "cuda-sm_90-nvidia-h100-80gb-hbm3");
  CHECK(d.arch == "sm_90");
  CHECK(d.driver == "13.0");
  CHECK(d.facts.get("max_threads") == 1024);
  CHECK(d.facts.get("warp") == 32);
  CHECK(d.facts.get("smem") == 49152);
  CHECK(d.facts.get("sm_count") == 132);
  CHECK(d.facts.get("l2") == 52428800);
  CHECK(d.details["smem_per_block_optin"] == 232448);
  CHECK(d.details["memory_bytes"] == 85520809984ull);
}

TEST_CASE("cuda detection: says why nothing was found", "[backends][cuda]") {
  auto missing = cuda::detect("libkevolve-no-such-driver.so");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(), Catch::Contains("no NVIDIA driver"));

  setenv("FAKE_CUDA_INIT_ERROR", "100", 1);
  auto failed = cuda::detect(KEVOLVE_FAKE_LIBCUDA);
  unsetenv("FAKE_CUDA_INIT_ERROR");
  REQUIRE_FALSE(failed);
  CHECK_THAT(failed.error(), Catch::Contains("cuInit failed: CUDA_ERROR_NO_DEVICE (100)"));

  setenv("FAKE_CUDA_DEVICES", "0", 1);
  auto none = cuda::detect(KEVOLVE_FAKE_LIBCUDA);
  unsetenv("FAKE_CUDA_DEVICES");
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("no GPU"));
}

TEST_CASE("device inventory: the CPU always, GPUs when their driver answers", "[backends]") {
  DetectOptions o;
  o.libcuda = KEVOLVE_FAKE_LIBCUDA;
  setenv("FAKE_CUDA_DEVICES", "2", 1);
  Inventory inv = detect_devices(o);
  unsetenv("FAKE_CUDA_DEVICES");
  REQUIRE(inv.devices.size() >= 3);
  CHECK(inv.devices[0].backend == Backend::cpu);
  CHECK(inv.devices[1].backend == Backend::cuda);
  CHECK(inv.devices[2].details["index"] == 1);

  auto chosen = select_device(inv, "");
  REQUIRE(chosen);
  CHECK((*chosen)->backend == Backend::cuda);
  CHECK((*select_device(inv, "cpu"))->backend == Backend::cpu);
  CHECK((*select_device(inv, "cuda-sm_90-nvidia-h100-80gb-hbm3"))->backend == Backend::cuda);
  auto wrong = select_device(inv, "hip-gfx90a-x");
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error(), Catch::Contains("no device 'hip-gfx90a-x'"));

  DetectOptions plain;
  plain.libcuda = "libkevolve-no-such-driver.so";
  Inventory cpu_only = detect_devices(plain);
  CHECK((*select_device(cpu_only, ""))->backend == Backend::cpu);
}
