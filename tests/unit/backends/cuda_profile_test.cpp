#include "backends/cuda/profile.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

// As ncu 2025.3 printed it on an H100 for one kernel of a candidate's measured region.
constexpr const char* k_csv = R"csv(==PROF== Connected to process 536 (/tmp/runner)
kevolve-result: {"protocol":1,"mode":"time","status":"ok"}
==PROF== Disconnected from process 536
"ID","Process ID","Process Name","Host Name","thread Domain:Push/Pop_Range:PL_Type:PL_Value:CLR_Type:Color:Msg_Type:Msg","Id:Domain:Start/Stop_Range:PL_Type:PL_Value:CLR_Type:Color:Msg_Type:Msg","Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC","Section Name","Metric Name","Metric Unit","Metric Value"
"0","536","runner","127.0.0.1","536  ""<default domain>:kevolve_run:none:none:none:none:none:none"" ","","k(const float *, float *, long)","1","13","(256, 1, 1)","(65536, 1, 1)","0","9.0","Command line profiler metrics","dram__throughput.avg.pct_of_peak_sustained_elapsed","%","64.70"
"0","536","runner","127.0.0.1","536  ""<default domain>:kevolve_run:none:none:none:none:none:none"" ","","k(const float *, float *, long)","1","13","(256, 1, 1)","(65536, 1, 1)","0","9.0","Command line profiler metrics","gpu__time_duration.sum","ns","54,400"
"0","536","runner","127.0.0.1","536  ""<default domain>:kevolve_run:none:none:none:none:none:none"" ","","k(const float *, float *, long)","1","13","(256, 1, 1)","(65536, 1, 1)","0","9.0","Command line profiler metrics","sm__throughput.avg.pct_of_peak_sustained_elapsed","%","22.22"
"0","536","runner","127.0.0.1","536  ""<default domain>:kevolve_run:none:none:none:none:none:none"" ","","k(const float *, float *, long)","1","13","(256, 1, 1)","(65536, 1, 1)","0","9.0","Command line profiler metrics","sm__warps_active.avg.pct_of_peak_sustained_active","%","72.12"
)csv";

TEST_CASE("ncu's CSV becomes metrics per kernel") {
  auto metrics = backends::cuda::parse_ncu_csv(k_csv);
  REQUIRE(metrics);
  const util::Json& kernels = (*metrics)["kernels"];
  REQUIRE(kernels.size() == 1);
  CHECK(kernels[0]["name"] == "k(const float *, float *, long)");
  CHECK(kernels[0]["duration_ns"].get<double>() == Approx(54400));
  CHECK(kernels[0]["dram_throughput_percent"].get<double>() == Approx(64.70));
  CHECK(kernels[0]["sm_throughput_percent"].get<double>() == Approx(22.22));
  CHECK(kernels[0]["occupancy_percent"].get<double>() == Approx(72.12));
}

TEST_CASE("ncu output without a table or without kernels is an error") {
  CHECK_FALSE(backends::cuda::parse_ncu_csv("==ERROR== the profiler failed\n"));
  CHECK_FALSE(
      backends::cuda::parse_ncu_csv("\"ID\",\"Kernel Name\",\"Metric Name\",\"Metric Value\"\n"));
}

TEST_CASE("ncu's L2 hit rate is recorded beside the throughputs") {
  // A minimal table (ID, kernel, metric, value): the columns parse_ncu_csv reads by name.
  auto metrics = backends::cuda::parse_ncu_csv(
      "\"ID\",\"Kernel Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n"
      "\"0\",\"k\",\"lts__t_sector_hit_rate.pct\",\"%\",\"12.50\"\n");
  REQUIRE(metrics);
  CHECK((*metrics)["kernels"][0]["l2_hit_rate_percent"].get<double>() == Approx(12.5));
}
