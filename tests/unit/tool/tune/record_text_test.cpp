#include "tool/tune/record_text.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

knowledge::SizeRecord winner(std::int64_t block, double speedup, double low, double high,
                             std::string date) {
  knowledge::SizeRecord r;
  r.best = {{"BLOCK", space::Value(block)}};
  r.baseline_s = 1.0;
  r.time_s = 1.0 / speedup;
  r.speedup = speedup;
  r.speedup_low = low;
  r.speedup_high = high;
  r.date = std::move(date);
  return r;
}

knowledge::SizeRecord stood(std::string date) {
  knowledge::SizeRecord r = winner(32, 1, 1, 1, std::move(date));
  r.extra["note"] = tune::k_defaults_stand_note;
  return r;
}

}  // namespace

TEST_CASE("a record says the defaults stood by its note or by its defaults", "[record_text]") {
  CHECK(tune::defaults_stood(stood("2026-11-21")));
  // Records from before the note: the defaults at the baseline, speedup 1.
  knowledge::SizeRecord old = winner(32, 1, 1, 1, "");
  CHECK(tune::defaults_stood(old));
  knowledge::SizeRecord won = winner(64, 1.42, 1.40, 1.45, "");
  CHECK_FALSE(tune::defaults_stood(won));
  knowledge::ParamValues defaults = won.best;
  CHECK(tune::defaults_stood(won, &defaults));
  // A note of another kind, or a variant, is not the defaults standing.
  won.extra["note"] = "something else";
  CHECK_FALSE(tune::defaults_stood(won));
  old.variant = knowledge::VariantRef{};
  CHECK_FALSE(tune::defaults_stood(old));
}

TEST_CASE("a re-tune's note names the old winner and the new with intervals", "[record_text]") {
  auto old = winner(64, 1.42, 1.40, 1.45, "2026-11-21T10:00:00Z");
  auto now = winner(128, 1.61, 1.58, 1.63, "2026-12-05T10:00:00Z");
  auto note = tune::replacement_note(old, now);
  REQUIRE(note);
  CHECK(*note ==
        "replaces BLOCK=64 1.42x [1.40, 1.45] (found 2026-11-21) with BLOCK=128 1.61x "
        "[1.58, 1.63]");
  // The same winner found again, or the defaults standing again: nothing replaced.
  CHECK_FALSE(tune::replacement_note(old, winner(64, 1.5, 1.4, 1.6, "2026-12-05")));
  CHECK_FALSE(tune::replacement_note(stood("2026-11-21"), stood("2026-12-05")));
  // A winner the defaults now beat, and a winner where the defaults stood.
  CHECK(*tune::replacement_note(old, stood("2026-12-05")) ==
        "replaces BLOCK=64 1.42x [1.40, 1.45] (found 2026-11-21) with the defaults (no "
        "candidate beat them beyond the noise)");
  CHECK(*tune::replacement_note(stood("2026-11-21"), now) ==
        "replaces the defaults (found 2026-11-21) with BLOCK=128 1.61x [1.58, 1.63]");
}

TEST_CASE("achieved rates and peaks in units, not JSON", "[record_text]") {
  util::Json achieved = {{"bytes_per_s", 10164324426.299242},
                         {"memory_percent", 41.2},
                         {"peak_percent", 41.2},
                         {"bound", "memory"}};
  util::Json peaks = {{"copy_bytes_per_s", 2.99e12}, {"fma_flops_per_s", 57.1e12}};
  CHECK(tune::achieved_text(achieved, peaks) ==
        "10.2 GB/s, 41% of the measured copy bandwidth (memory-bound)");
  CHECK(tune::peaks_text(peaks) == "copy 2.99 TB/s, fp32 FMA 57.1 TFLOP/s");

  // Both rates; the cache level the buffers fit in.
  achieved["flops_per_s"] = 3.1e9;
  achieved["compute_percent"] = 2.4;
  peaks["memory_level"] = "L3";
  CHECK(tune::achieved_text(achieved, peaks) ==
        "10.2 GB/s, 41% of the measured L3 bandwidth; 3.1 GFLOP/s, 2% of the measured fp32 FMA "
        "throughput (memory-bound)");
  CHECK(tune::peaks_text(peaks) == "L3 copy 2.99 TB/s, fp32 FMA 57.1 TFLOP/s");

  // Hostile or empty: nothing to say, no throw.
  CHECK(tune::achieved_text(util::Json{{"bytes_per_s", "fast"}}, util::Json()) == "");
  CHECK(tune::achieved_text(util::Json::array(), util::Json(42)) == "");
  CHECK(tune::achieved_text(util::Json{{"bytes_per_s", -5}}, util::Json()) == "");
  CHECK(tune::peaks_text(util::Json{{"copy_bytes_per_s", "x"}}) == "");
  CHECK(tune::peaks_text(util::Json("text")) == "");
}

TEST_CASE("other JSON reads compactly", "[record_text]") {
  CHECK(tune::readable_json(util::Json{{"provider", "command"}, {"calls", 3}}) ==
        "provider command, calls 3");
  CHECK(tune::readable_json(util::Json::array(
            {util::Json{{"params", {{"X", 4}}}, {"metrics", {{"ipc", 0.61234567}}}},
             util::Json{{"error", "ncu failed"}}})) ==
        "params (X 4), metrics (ipc 0.6123); error ncu failed");
  CHECK(tune::readable_json(util::Json{{"a", util::Json::object()}, {"b", nullptr}}) ==
        "a none, b -");
  CHECK(tune::readable_json(true) == "yes");
  CHECK(tune::readable_json(util::Json::array()) == "none");
}
