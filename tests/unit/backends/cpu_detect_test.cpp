#include "backends/cpu/detect.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::backends;

namespace {

// A two-socket machine with SMT: 4 logical CPUs on 2 cores per socket... reduced to 8 CPUs.
void write_x86_machine(const test::TempDir& root) {
  std::string cpuinfo;
  for (int cpu = 0; cpu < 8; ++cpu) {
    cpuinfo += "processor\t: " + std::to_string(cpu) +
               "\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+ CPU @ "
               "2.00GHz\nflags\t\t: fpu sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512bw "
               "amx_tile amx_bf16\n\n";
  }
  root.write("proc/cpuinfo", cpuinfo);
  root.write("sys/devices/system/cpu/online", "0-7\n");
  for (int cpu = 0; cpu < 8; ++cpu) {
    std::string base = "sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    root.write(base + "physical_package_id", std::to_string(cpu / 4) + "\n");
    root.write(base + "core_id", std::to_string((cpu % 4) / 2) + "\n");  // SMT pairs
  }
  std::string cache = "sys/devices/system/cpu/cpu0/cache/";
  root.write(cache + "index0/level", "1\n");
  root.write(cache + "index0/type", "Data\n");
  root.write(cache + "index0/size", "48K\n");
  root.write(cache + "index0/shared_cpu_list", "0-1\n");
  root.write(cache + "index1/level", "1\n");
  root.write(cache + "index1/type", "Instruction\n");
  root.write(cache + "index1/size", "32K\n");
  root.write(cache + "index2/level", "2\n");
  root.write(cache + "index2/type", "Unified\n");
  root.write(cache + "index2/size", "2048K\n");
  root.write(cache + "index3/level", "3\n");
  root.write(cache + "index3/type", "Unified\n");
  root.write(cache + "index3/size", "105M\n");
  root.write(cache + "index3/shared_cpu_list", "0-3\n");
}

DetectOptions fixture(const test::TempDir& root, const char* machine) {
  DetectOptions o;
  o.root = root.path();
  o.machine = machine;
  o.use_affinity = false;
  return o;
}

}  // namespace

TEST_CASE("cpu detection: x86 model, topology, caches and ISA", "[backends][cpu]") {
  test::TempDir root;
  write_x86_machine(root);
  Device d = cpu::detect(fixture(root, "x86_64"));
  CHECK(d.id.str() == "cpu-x86_64-intel-xeon-platinum-8480-cpu");
  CHECK(d.vendor == "GenuineIntel");
  CHECK(d.facts.get("max_threads") == 8);
  CHECK(d.facts.get("cores") == 4);  // 2 sockets x 2 cores
  CHECK(d.facts.get("l1") == 48 * 1024);
  CHECK(d.facts.get("l2") == 2048 * 1024);
  CHECK(d.facts.get("warp") == 16);  // avx512f: 16 float lanes
  CHECK_FALSE(d.facts.get("smem"));
  CHECK(d.details["isa"] ==
        util::Json::array({"sse2", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f",
                           "avx512bw", "amx_tile", "amx_bf16"}));
  CHECK(d.details["caches"].size() == 4);
  CHECK(d.details["caches"][3]["size"] == 105 * 1024 * 1024);
  CHECK(d.details["caches"][3]["shared_by"] == 4);
}

TEST_CASE("cpu detection: Arm without a model name", "[backends][cpu]") {
  test::TempDir root;
  root.write(
      "proc/cpuinfo",
      "processor\t: 0\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd asimdhp sve sve2 bf16 i8mm\n"
      "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\n"
      "CPU part\t: 0xd4f\nCPU revision\t: 0\n\n");
  root.write("proc/sys/abi/sve_default_vector_length", "16\n");
  root.write("sys/devices/system/cpu/online", "0\n");
  Device d = cpu::detect(fixture(root, "aarch64"));
  CHECK(d.name == "Arm Neoverse-V2");
  CHECK(d.id.str() == "cpu-aarch64-arm-neoverse-v2");
  CHECK(d.facts.get("warp") == 4);  // 128-bit SVE
  CHECK(d.facts.get("max_threads") == 1);
  CHECK(d.facts.get("cores") == 1);  // no topology files: count logical CPUs
  CHECK_FALSE(d.facts.get("l1"));
}

TEST_CASE("cpu detection: an empty machine description still gives a device", "[backends][cpu]") {
  test::TempDir root;
  Device d = cpu::detect(fixture(root, "riscv64"));
  CHECK(d.id.str() == "cpu-riscv64-unknown-cpu");
  CHECK(d.facts.values.empty());
}

TEST_CASE("cpu detection: this machine", "[backends][cpu]") {
  Device d = cpu::detect(DetectOptions{});
  CHECK(d.backend == Backend::cpu);
  CHECK(d.id.backend == "cpu");
  CHECK(d.facts.get("max_threads") >= 1);
  CHECK(d.facts.get("cores") >= 1);
}
