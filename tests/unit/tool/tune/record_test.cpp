#include "tool/tune/annotate.hpp"
#include "tool/tune/record.hpp"

#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

struct Fixture {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8", {1});
  space::Space space = test::space_of(unit.space);
  tune::Progress progress{true};

  tune::FinalChoice won(double time, double low, double high) {
    tune::FinalChoice c;
    c.baseline_s = 1.0;
    space::Point p = *tune::point_of(space, {{"X", space::Value(std::int64_t{4})}});
    c.winner = tune::Evaluated{p, backends::Status::ok, time, ""};
    c.winning = tune::Verdict{0, time, 1.0 / time, low, high};
    c.top = {{tune::params_of(space, p), time}};
    return c;
  }
};

}  // namespace

TEST_CASE("the record of a winner carries its re-timed speedup", "[record]") {
  Fixture f;
  auto r = tune::size_record(f.won(0.25, 3.5, 4.5), f.unit, f.space, {{"n", 64}}, 17, "bayes");
  CHECK(tune::params_text_of(r.best) == "X=4");
  CHECK(r.time_s == 0.25);
  CHECK(r.baseline_s == 1.0);
  CHECK(r.speedup == 4.0);
  CHECK(r.speedup_low == 3.5);
  CHECK(r.speedup_high == 4.5);
  CHECK(r.evaluations == 17);
  CHECK(r.strategy == "bayes");
  CHECK(r.primary);
  CHECK(r.top.size() == 1);
  // The interval always holds the median's speedup.
  auto narrow = tune::size_record(f.won(0.25, 4.2, 4.5), f.unit, f.space, {}, 1, "x");
  CHECK(narrow.speedup_low == 4.0);
}

TEST_CASE("when the defaults stand the record holds them at the re-timed baseline", "[record]") {
  Fixture f;
  tune::FinalChoice c;
  c.baseline_s = 0.8;
  auto r = tune::size_record(c, f.unit, f.space, {}, 9, "random");
  CHECK(tune::params_text_of(r.best) == "X=1");
  CHECK(r.time_s == 0.8);
  CHECK(r.baseline_s == 0.8);
  CHECK(r.speedup == 1);
}

TEST_CASE("annotation: rates against the peaks of the level the buffers fit in", "[record]") {
  // 1 GB moved in 1 ms is 1 TB/s against a measured 100 GB/s copy bandwidth.
  backends::Description described;
  described.traffic = 1e9;
  described.buffers = {{"x", "f64", "inout", 1 << 20}};  // 8 MiB
  backends::Peaks peaks;
  peaks.copy_bytes_per_s = 100e9;
  peaks.fma_flops_per_s = 1e12;
  knowledge::SizeRecord r;
  r.time_s = 1e-3;
  tune::annotate_diagnosis(r, described, peaks);
  CHECK(r.bound == "memory");
  REQUIRE(r.peak_percent);
  CHECK(*r.peak_percent == Approx(1000));
  CHECK(r.extra["peaks"]["copy_bytes_per_s"] == 100e9);
  CHECK_FALSE(r.extra.contains("review"));  // the gates are review.hpp's, and bind
  CHECK_FALSE(r.extra["peaks"].contains("memory_level"));

  // A CPU whose 16 MiB cache holds the buffers at 2 TB/s: half of that.
  peaks.caches = {{"L3", 16 << 20, 2e12}};
  r = {};
  r.time_s = 1e-3;
  tune::annotate_diagnosis(r, described, peaks);
  CHECK(*r.peak_percent == Approx(50));
  CHECK(r.extra["peaks"]["copy_bytes_per_s"] == 2e12);
  CHECK(r.extra["peaks"]["memory_level"] == "L3");
}

TEST_CASE("profiling records each subject's metrics or the profiler's error", "[record]") {
  Fixture f;
  tune::Profiler profiler = [](const std::filesystem::path& artifact) -> util::Expected<util::Json> {
    if (artifact == "broken") return util::unexpected(std::string("ncu failed"));
    return util::Json{{"dram_percent", 91}};
  };
  util::Json profiles = tune::profile_subjects(
      {{{{"X", space::Value(std::int64_t{4})}}, "winner"}, {tune::defaults_params(f.unit), "broken"}},
      profiler, "Nsight Compute", f.progress);
  REQUIRE(profiles.size() == 2);
  CHECK(profiles[0]["metrics"]["dram_percent"] == 91);
  CHECK(profiles[0]["params"]["X"] == 4);
  CHECK(profiles[1]["error"] == "ncu failed");
}

TEST_CASE("the wisdom names the device, compiler and what candidates were built for", "[record]") {
  Fixture f;
  backends::Device device;
  device.name = "Test GPU";
  device.arch = "sm_90";
  device.driver = "580";
  backends::CandidateRecipe recipe;
  recipe.backend = backends::Backend::cuda;
  recipe.gpu_arch = "sm_90a";
  recipe.compiler_version = "NVIDIA 13.0";
  recipe.sources = {{"kernel.cu", {"-O3", "-DNDEBUG", "-Iinclude", "--use_fast_math"}},
                    {"bench.cu", {"-g"}}};
  tune::BuildConfig build = tune::build_config(recipe, "Release");
  auto w = tune::wisdom_of(f.unit, device, recipe, build, knowledge::SizeRecord{});
  CHECK(w.unit == "u");
  CHECK(w.device.arch == "sm_90a");
  CHECK(w.device.compiler == "NVIDIA 13.0");
  CHECK(w.source_hash == "hash-u");
  CHECK(w.device.extra["build"] ==
        util::Json{{"optimised", true},
                   {"optimisation", "-O3"},
                   {"build_type", "Release"},
                   {"flags", {"-O3", "-DNDEBUG", "--use_fast_math"}}});
  device.arch = "x86_64";  // a CPU: its own architecture
  recipe.backend = backends::Backend::cpu;
  recipe.gpu_arch.clear();
  CHECK(tune::wisdom_of(f.unit, device, recipe, build, knowledge::SizeRecord{}).device.arch ==
        "x86_64");
}

TEST_CASE("the record refers to the trial its winner, or the defaults, was measured in",
          "[record]") {
  Fixture f;
  space::Point defaults = *tune::defaults_point(f.space, f.unit);
  space::Point four = *tune::point_of(f.space, {{"X", space::Value(std::int64_t{4})}});
  tune::History history;
  history.add({defaults, backends::Status::ok, 1.0, "t-defaults"}, "ok");
  history.add({four, backends::Status::ok, 0.26, "t-four"}, "ok");

  tune::FinalChoice won = f.won(0.25, 3.5, 4.5);
  won.winner = *history.find(four);
  auto trial = tune::measured_trial(won, history, defaults);
  REQUIRE(trial);
  CHECK(trial->id == "t-four");
  CHECK(trial->time_s == 0.26);  // the search's time, as the trial log has it
  CHECK(trial->status == "ok");

  auto stand = tune::measured_trial(tune::FinalChoice{}, history, defaults);
  REQUIRE(stand);
  CHECK(stand->id == "t-defaults");

  // A line from before trials had ids: nothing to refer to.
  tune::History old;
  old.add({defaults, backends::Status::ok, 1.0, ""}, "ok");
  CHECK_FALSE(tune::measured_trial(tune::FinalChoice{}, old, defaults));
}

TEST_CASE("a trial line records the seconds of the stages that ran", "[record]") {
  tune::TrialKey key{"u", "xxh3:1", "cpu-x86_64-test", {{"n", 8}}, "", ""};
  eval::Trial failed;
  failed.status = backends::Status::compile_error;
  failed.build_s = 2.5;
  knowledge::TrialRecord line =
      tune::trial_line(key, {}, "ils", failed, tune::Blame::candidate, {}, std::nullopt);
  CHECK(line.build_s == 2.5);
  CHECK(!line.run_s);  // it never ran
  eval::Trial timed;
  timed.status = backends::Status::ok;
  timed.build_s = 0.5;
  timed.run_s = 0.25;
  line = tune::trial_line(key, {}, "ils", timed, tune::Blame::candidate, {}, std::nullopt);
  CHECK(line.build_s == 0.5);
  CHECK(line.run_s == 0.25);
}
