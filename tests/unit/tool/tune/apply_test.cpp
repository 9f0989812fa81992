#include "tool/tune/apply.hpp"

#include "temp_dir.hpp"
#include "tool/tune/fake_candidates.hpp"
#include "tool/tune/points.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <limits>

using namespace kevolve;
using knowledge::ReviewState;

namespace {

const char* const k_device = "cpu-x86_64-test";

// This machine, for the tests: the device the wisdom is recorded for.
backends::Inventory this_machine() {
  backends::Inventory inventory;
  backends::Device cpu;
  cpu.id = *knowledge::DeviceId::parse(k_device);
  inventory.devices.push_back(cpu);
  return inventory;
}

knowledge::ParamValues x_is(std::int64_t x) { return {{"X", space::Value(x)}}; }

// A knowledge directory with the wisdom of unit `u` (by default X: 1, 2, 4, 8; default 1)
// whose winner is X=4, shaped by `edit`, and what a build of it would inject. A stale one was
// recorded for other sources.
struct Build {
  test::TempDir dir;
  analyzers::Unit unit;

  template <typename Edit>
  explicit Build(Edit edit, analyzers::Unit u = test::unit_with("u", "X: 1, 2, 4, 8", {1}),
                 bool stale = false)
      : unit(std::move(u)) {
    unit.kernel_hash = "kernel-u";
    knowledge::Wisdom w;
    w.unit = "u";
    w.device_id = k_device;
    w.source_hash = unit.hash;
    w.kernel_hash = stale ? "kernel-before" : unit.kernel_hash;
    w.space = unit.space;
    knowledge::SizeRecord r;
    r.primary = true;
    r.best = x_is(4);
    r.time_s = 0.05;
    r.baseline_s = 1;
    r.speedup = 20;
    edit(r);
    w.records.push_back(r);
    auto store = knowledge::KnowledgeDir::open_or_create(dir / ".kevolve");
    REQUIRE(store);
    REQUIRE(store->write(w));
  }

  tune::UnitWisdom wisdom() const {
    auto store = knowledge::KnowledgeDir::open(dir / ".kevolve");
    REQUIRE(store);
    auto space = tune::unit_space(unit, nullptr);
    REQUIRE(space);
    auto w = tune::find_wisdom(&*store, unit, *space, *knowledge::DeviceId::parse(k_device));
    REQUIRE(w);
    return *w;
  }

  tune::Injection injection(const std::string& device = k_device,
                            const backends::Inventory& inventory = this_machine()) const {
    analyzers::TargetScan scan;
    scan.units = {unit};
    tune::TargetConfig config;
    config.target = "app";
    config.knowledge_dir = dir / ".kevolve";
    auto injected = tune::render_injection(scan, config, device, inventory);
    REQUIRE(injected);
    return *injected;
  }
};

knowledge::Review review(ReviewState state) {
  knowledge::ReviewEvidence e;
  e.speedup = 20;
  e.time_s = 0.05;
  e.baseline_s = 1;
  knowledge::Review r{state, {"20.0x faster than the defaults (more than 10x)"}, e, {}, {}};
  if (state == ReviewState::accepted) {
    r.accepted_by = "alice";
    r.accepted_at = "2026-11-03T00:00:00Z";
  }
  return r;
}

}  // namespace

TEST_CASE("apply: a winner that waits for review is not injected", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) { r.review = review(ReviewState::pending); });
  tune::UnitWisdom w = b.wisdom();
  CHECK(w.review);
  CHECK_FALSE(w.injectable);
  CHECK(w.review_reason == "20.0x faster than the defaults (more than 10x)");
  CHECK(w.note ==
        "its winner X=4 waits for review (20.0x faster than the defaults (more than 10x)); using "
        "the defaults (kevolve accept u --device cpu-x86_64-test)");
  tune::Injection injection = b.injection();
  CHECK(injection.header.find("KEVOLVE_TUNED_u_X") == std::string::npos);
  REQUIRE(injection.notes.size() == 1);
  CHECK_THAT(injection.notes[0], Catch::StartsWith("unit u: its winner X=4 waits for review"));
}

TEST_CASE("apply: while a winner waits, builds keep the previous one", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.review = review(ReviewState::pending);
    r.fallback = knowledge::Fallback{x_is(2), 0.5, 2, "2026-11-01T00:00:00Z"};
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK(w.injectable);
  CHECK(w.injected == x_is(2));
  CHECK_THAT(w.note, Catch::Contains("using the previous winner X=2"));
  tune::Injection injection = b.injection();
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 2\n"));
  CHECK_THAT(injection.header, Catch::Contains("2.00x, the previous winner"));
}

TEST_CASE("apply: a previous winner outside the space is not used either", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.review = review(ReviewState::pending);
    r.fallback = knowledge::Fallback{x_is(3), 0.5, 2, "2026-11-01T00:00:00Z"};
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.injectable);
  CHECK_THAT(w.note, Catch::Contains("the previous winner is outside the current space"));
}

TEST_CASE("apply: an accepted winner is injected", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) { r.review = review(ReviewState::accepted); });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.review);
  CHECK(w.injectable);
  CHECK(w.injected == x_is(4));
  CHECK(w.note.empty());
  CHECK_THAT(b.injection().header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 4\n"));
}

TEST_CASE("apply: wisdom from before the gates bound is injected as before", "[apply][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.extra["review"] = "speedup above 10x: check that the harness measures what the build runs";
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.review);
  CHECK(w.injected == x_is(4));
  CHECK_THAT(b.injection().header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 4\n"));
}

// Committed wisdom is untrusted (issue 17): whatever its `best` says, only a point of the unit's
// current space reaches the header; anything else gives the defaults and a warning that names
// the unit, the file and the reason.
namespace {

using Params = knowledge::ParamValues;

space::Value v(std::int64_t x) { return space::Value(x); }
space::Value text(const char* t) { return space::Value(std::string(t)); }

// The header and warnings of a build whose recorded winner is `best`.
struct Refusal {
  tune::Injection injection;
  tune::UnitWisdom wisdom;
};

Refusal refused(const Params& best, analyzers::Unit unit, bool stale = false) {
  Build b([&](knowledge::SizeRecord& r) { r.best = best; }, std::move(unit), stale);
  return {b.injection(), b.wisdom()};
}

void check_refused(const Refusal& r, const std::string& reason) {
  INFO(r.injection.header);
  CHECK_FALSE(r.wisdom.injectable);
  // Only the prologue: no define, no text of the wisdom.
  CHECK(r.injection.header.find("#define") == std::string::npos);
  CHECK(r.injection.header.find("// u:") == std::string::npos);
  REQUIRE(r.injection.warnings.size() == 1);
  const std::string& warning = r.injection.warnings[0];
  CHECK_THAT(warning, Catch::StartsWith("unit u: "));
  CHECK_THAT(warning, Catch::Contains("u/cpu-x86_64-test.json is not a point"));
  CHECK_THAT(warning, Catch::Contains(reason));
  CHECK_THAT(warning, Catch::EndsWith("the defaults are used"));
  CHECK(warning.find('\n') == std::string::npos);
}

analyzers::Unit x_unit() { return test::unit_with("u", "X: 1, 2, 4, 8", {1}); }

}  // namespace

TEST_CASE("apply: a value that carries code is refused", "[apply][hostile]") {
  Params best = {{"X", text("16\n#include <cstdlib>\nstatic int x = std::system(\"id\");\n//")}};
  auto r = refused(best, x_unit());
  check_refused(r, "X = '16\\x0a#include <cstdlib>\\x0astatic int x = std::system(\"id\");\\x0a//' "
                   "is not one of its values (1, 2, 4, 8)");
  CHECK(r.injection.header.find("system") == std::string::npos);
}

TEST_CASE("apply: a parameter name that carries a directive is refused", "[apply][hostile]") {
  auto r = refused({{"X", v(4)}, {"#include </etc/passwd>", v(1)}}, x_unit());
  check_refused(r, "'#include </etc/passwd>' is not a parameter of the space (its parameters: X)");
  CHECK(r.injection.header.find("passwd") == std::string::npos);
}

TEST_CASE("apply: macro injection defines only the unit's parameters", "[apply][hostile]") {
  analyzers::Unit unit = test::unit_with("u", "inject: macros; X: 1, 2, 4, 8", {1});
  unit.inject = space::InjectMode::macros;
  SECTION("a valid point") {
    Build b([](knowledge::SizeRecord&) {}, unit);
    CHECK_THAT(b.injection().header, Catch::EndsWith(", 20.00x\n#define X 4\n"));
  }
  SECTION("main") {
    check_refused(refused({{"X", v(4)}, {"main", v(0)}}, unit), "'main' is not a parameter");
  }
  SECTION("NULL") {
    check_refused(refused({{"NULL", v(1)}, {"X", v(4)}}, unit), "'NULL' is not a parameter");
  }
}

TEST_CASE("apply: integers outside the value list are refused", "[apply][hostile]") {
  std::int64_t value = GENERATE(as<std::int64_t>{}, 99999999, -1, std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max(), 3, 0);
  check_refused(refused({{"X", v(value)}}, x_unit()),
                fmt::format("X = {} is not one of its values (1, 2, 4, 8)", value));
}

TEST_CASE("apply: an integer written as a string is refused", "[apply][hostile]") {
  check_refused(refused({{"X", text("4")}}, x_unit()), "X = '4' is not one of its values");
}

TEST_CASE("apply: a parameter the space lacks is refused", "[apply][hostile]") {
  check_refused(refused({{"X", v(4)}, {"Y", v(2)}}, x_unit()),
                "'Y' is not a parameter of the space (its parameters: X)");
}

TEST_CASE("apply: a point without every parameter is refused", "[apply][hostile]") {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8; Y: 1, 2", {1, 1});
  check_refused(refused({{"X", v(4)}}, unit), "no value for parameter Y");
}

TEST_CASE("apply: an identifier outside the list is refused", "[apply][hostile]") {
  analyzers::Unit unit = test::unit_with("u", "T: float, double", {});
  check_refused(refused({{"T", text("long double")}}, unit),
                "T = 'long double' is not one of its values (float, double)");
  check_refused(refused({{"T", text("int")}}, unit), "T = 'int' is not one of its values");
}

TEST_CASE("apply: a point that breaks a require is refused, stale or not", "[apply][hostile]") {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8; Y: 1, 2, 4; require X * Y <= 8",
                                         {1, 1});
  bool stale = GENERATE(false, true);
  auto r = refused({{"X", v(8)}, {"Y", v(4)}}, unit, stale);
  check_refused(r, "X=8 Y=4 breaks the space's constraints");
  CHECK(r.wisdom.stale == stale);
  CHECK(r.wisdom.note.find("is still in the space") == std::string::npos);
  Build ok([](knowledge::SizeRecord& rec) { rec.best = {{"X", v(4)}, {"Y", v(2)}}; }, unit, stale);
  CHECK_THAT(ok.injection().header,
             Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 4\n#define KEVOLVE_TUNED_u_Y ~, 2\n"));
}

TEST_CASE("apply: a previous winner outside the space is refused with a warning",
          "[apply][hostile][review]") {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8; Y: 1, 2, 4; require X * Y <= 8",
                                         {1, 1});
  Params fallback = GENERATE(Params{{"X", v(8)}, {"Y", v(4)}}, Params{{"X", text("1\n#define Y")}});
  Build b(
      [&](knowledge::SizeRecord& r) {
        r.best = {{"X", v(2)}, {"Y", v(2)}};
        r.review = review(ReviewState::pending);
        r.fallback = knowledge::Fallback{fallback, 0.5, 2, "2026-11-01T00:00:00Z"};
      },
      unit);
  tune::Injection injection = b.injection();
  CHECK(injection.header.find("#define") == std::string::npos);
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0], Catch::Contains("the previous winner in "));
  CHECK_FALSE(b.wisdom().injectable);
}

TEST_CASE("apply: a chosen device that is not this machine's is a warning", "[apply][device]") {
  Build b([](knowledge::SizeRecord&) {});
  SECTION("this machine's device, or auto: no warning") {
    CHECK(b.injection().warnings.empty());
    CHECK(b.injection("auto").warnings.empty());
  }
  SECTION("a well-formed id of another machine: its winners, said to be for another device") {
    tune::Injection injection = b.injection(k_device, backends::Inventory{});
    CHECK(injection.header.find("#define") != std::string::npos);
    REQUIRE(injection.warnings.size() == 1);
    CHECK(injection.warnings[0] ==
          "device cpu-x86_64-test is not on this machine (no cpu device here): the header is for "
          "another device, with the winners tuned there");
    backends::Inventory other;
    other.devices.push_back({});
    other.devices.back().id = *knowledge::DeviceId::parse("cpu-x86_64-other-cpu");
    CHECK_THAT(b.injection(k_device, other).warnings.at(0),
               Catch::Contains("(this machine's: cpu-x86_64-other-cpu): the header is for another "
                               "device"));
  }
  SECTION("not a device id (through KEVOLVE_DEVICE or --device): said, not silently ignored") {
    tune::Injection injection = b.injection("gpu0");
    REQUIRE(injection.warnings.size() == 1);
    CHECK_THAT(injection.warnings[0], Catch::StartsWith("'gpu0' is not a device id"));
    CHECK_THAT(injection.warnings[0], Catch::EndsWith("each unit uses this machine's device"));
  }
  SECTION("a device of a backend no unit uses") {
    tune::Injection injection = b.injection("cuda-sm_90-nvidia-h100");
    REQUIRE(injection.warnings.size() == 1);
    CHECK(injection.warnings[0] ==
          "device cuda-sm_90-nvidia-h100 is a cuda device and no unit here is a cuda kernel; each "
          "unit uses this machine's device");
  }
}

TEST_CASE("apply: defaults that stood are not a refusal", "[apply][hostile]") {
  // A record whose defaults stood holds the defaults, which may lie outside the space.
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2, 4, 8", {3});
  Build b([](knowledge::SizeRecord& r) { r.best = x_is(3); }, unit);
  tune::Injection injection = b.injection();
  CHECK(injection.warnings.empty());
  CHECK(injection.header.find("#define") == std::string::npos);
}

TEST_CASE("apply: a space without a valid point is an error at the marker", "[apply][space]") {
  analyzers::Unit unit = test::unit_with("u", "X: 1, 2; require X > 2", {1});
  unit.marker = {"/src/k.cpp", 12, 3, 0};
  analyzers::TargetScan scan;
  scan.units = {unit};
  tune::TargetConfig config;
  config.target = "app";
  test::TempDir dir;
  config.knowledge_dir = dir / ".kevolve";
  auto injected = tune::render_injection(scan, config, k_device, backends::Inventory{});
  REQUIRE_FALSE(injected);
  CHECK_THAT(injected.error(), Catch::StartsWith("/src/k.cpp:12:3: in the space of unit 'u': "));
  CHECK_THAT(injected.error(), Catch::Contains("no point satisfies the constraints"));
}

namespace {

// A code variant recorded as the winner, made from the current kernel unless `parent` says not.
knowledge::VariantRef variant_of(std::string parent = "kernel-u",
                                 knowledge::ParamValues original_best = x_is(2)) {
  knowledge::VariantRef v;
  v.hash = knowledge::variant_hash("void k() {}");
  v.ext = "cpp";
  v.parent = std::move(parent);
  v.provider = "command";
  v.original_best = std::move(original_best);
  return v;
}

}  // namespace

TEST_CASE("apply: a fresh variant winner is left to the splice", "[apply][variant]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of(); });
  tune::UnitWisdom w = b.wisdom();
  REQUIRE(w.variant);
  CHECK(w.variant->hash == knowledge::variant_hash("void k() {}"));
  CHECK_FALSE(w.injectable);
  CHECK(w.refused.empty());
}

TEST_CASE("apply: a stale variant is never used: the original's best is", "[apply][variant]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of("kernel-before"); },
          test::unit_with("u", "X: 1, 2, 4, 8", {1}), /*stale=*/true);
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.variant);
  CHECK(w.injectable);
  CHECK(w.injected == x_is(2));
  CHECK_THAT(w.refused, Catch::Contains("its code variant u/variants/") &&
                            Catch::Contains("is stale") &&
                            Catch::Contains("the original kernel is built with the original's "
                                            "best X=2"));
}

TEST_CASE("apply: a variant of another parent is stale though the wisdom's hash matches",
          "[apply][variant][hostile]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of("kernel-other"); });
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.variant);
  CHECK(w.injected == x_is(2));
  CHECK_THAT(w.refused, Catch::Contains("is stale"));
}

TEST_CASE("apply: the original's best outside the space gives the defaults",
          "[apply][variant][hostile]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of("kernel-before", x_is(3)); },
          test::unit_with("u", "X: 1, 2, 4, 8", {1}), /*stale=*/true);
  tune::UnitWisdom w = b.wisdom();
  CHECK_FALSE(w.injectable);
  CHECK_THAT(w.refused, Catch::Contains("built with its defaults (the original's best X=3 is not "
                                        "a point of its current space"));
}

TEST_CASE("apply: a variant that waits for review is not used", "[apply][variant][review]") {
  Build b([](knowledge::SizeRecord& r) {
    r.variant = variant_of();
    r.review = review(ReviewState::pending);
  });
  tune::UnitWisdom w = b.wisdom();
  CHECK(w.review);
  CHECK_FALSE(w.variant);
  CHECK_FALSE(w.injectable);
}

TEST_CASE("apply: a variant whose file is missing falls back with a warning",
          "[apply][variant][hostile]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of(); });
  tune::Injection injection = b.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0],
             Catch::StartsWith("unit u: its code variant u/variants/") &&
                 Catch::Contains("the code variant the wisdom refers to is missing") &&
                 Catch::Contains("the original kernel is built with the original's best X=2"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 2\n"));
  CHECK_THAT(injection.header, Catch::Contains("the original kernel (its variant is not built)"));
  CHECK(injection.notes.empty());
}

TEST_CASE("apply: a variant is not built where the target compiles no wrapper",
          "[apply][variant]") {
  Build b([](knowledge::SizeRecord& r) { r.variant = variant_of(); });
  auto store = knowledge::KnowledgeDir::open(b.dir / ".kevolve");
  REQUIRE(store);
  REQUIRE(store->write_variant("u", "void k() {}", "cpp",
                               knowledge::KnowledgeDir::VariantPlace::committed));
  tune::Injection injection = b.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0],
             Catch::Contains("app compiles no kevolve wrapper (configure the build again)"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_u_X ~, 2\n"));
}

// Per-source injection (docs/cmake.md, "What is injected where").
TEST_CASE("apply: each source's header holds only the units it reaches", "[apply][inject]") {
  tune::TargetConfig config;
  config.target = "app";
  config.knowledge_dir = "/p/.kevolve";
  config.header = "/b/kevolve/app/kevolve_tuned.h";
  config.injected = {{"/p/a.cpp", "/b/kevolve/app/injected/1/kevolve_tuned.h"},
                     {"/p/b.cpp", "/b/kevolve/app/injected/2/kevolve_tuned.h"},
                     {"/p/unscanned.cpp", "/b/kevolve/app/injected/3/kevolve_tuned.h"}};
  std::vector<analyzers::SourceUnits> reach = {{"/p/a.cpp", {"alpha"}}, {"/p/b.cpp", {}}};
  auto headers = [&](const std::string& alpha) {
    std::vector<tune::UnitBlock> blocks = {{"alpha", "#define KEVOLVE_TUNED_alpha_A ~, " + alpha + "\n"},
                                           {"beta", "#define KEVOLVE_TUNED_beta_B ~, 1\n"}};
    return tune::build_headers(config, reach, blocks);
  };
  std::vector<tune::HeaderFile> before = headers("1");
  REQUIRE(before.size() == 5);
  CHECK(before[0].path == config.header);
  CHECK(before[1].path == tune::all_units_header(config));
  CHECK_THAT(before[0].text, Catch::Contains("#ifndef KEVOLVE_SOURCE_INJECTED\n#include "
                                             "\"kevolve_all_units.h\"\n#endif"));
  CHECK_THAT(before[1].text, Catch::Contains("alpha_A ~, 1") && Catch::Contains("beta_B"));
  CHECK_THAT(before[2].text, Catch::Contains("alpha_A ~, 1"));
  CHECK(before[2].text.find("beta") == std::string::npos);
  CHECK(before[3].text.find("#define") == std::string::npos);  // b.cpp reaches no unit
  // A source the scan did not parse gets every unit.
  CHECK_THAT(before[4].text, Catch::Contains("alpha_A") && Catch::Contains("beta_B"));

  // A new winner of alpha changes the headers of the sources that reach it, and no other.
  std::vector<tune::HeaderFile> after = headers("2");
  REQUIRE(after.size() == before.size());
  std::vector<std::string> changed;
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (after[i].text != before[i].text) changed.push_back(after[i].path.filename().string() + "@" + after[i].path.parent_path().filename().string());
  }
  CHECK(changed == std::vector<std::string>{"kevolve_all_units.h@app", "kevolve_tuned.h@1",
                                            "kevolve_tuned.h@3"});
}

TEST_CASE("apply: with nothing recorded a source's header reads the same, scanned or not",
          "[apply][inject]") {
  // The first winner then changes only the headers of the sources that reach it.
  tune::TargetConfig config;
  config.target = "app";
  config.header = "/b/kevolve/app/kevolve_tuned.h";
  config.injected = {{"/p/a.cpp", "/b/kevolve/app/injected/1/kevolve_tuned.h"}};
  auto unscanned = tune::build_headers(config, {}, {});
  auto scanned = tune::build_headers(config, {{"/p/a.cpp", {}}}, {});
  REQUIRE(unscanned.size() == 3);
  REQUIRE(scanned.size() == 3);
  for (std::size_t i = 0; i < scanned.size(); ++i) CHECK(scanned[i].text == unscanned[i].text);
}
