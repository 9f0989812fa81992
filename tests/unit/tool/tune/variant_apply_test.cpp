// The build's side of code variants (tool/tune/variant_apply.hpp): a variant is spliced into
// the wrapper of its kernel's file and its winner is injected as a point of the variant's own
// space, checked by a real scan of the spliced copy; anything else leaves the original built.

#include "tool/tune/variant_apply.hpp"

#include "tool/tune/apply.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;

namespace {

const char* const k_device = "cpu-x86_64-test";

constexpr const char* k_source = R"(#include <kevolve/kevolve.hpp>
KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2); }
int other() { return 1; }
)";

// A target of one source, scale.cpp, compiled through a wrapper, and its knowledge directory.
struct Target {
  test::TempDir dir;
  tune::TargetConfig config;
  tune::VariantContext context;
  analyzers::TargetScan scan;

  explicit Target(const char* source = k_source, const char* header = "") {
    dir.write("scale.cpp", source);
    dir.write("scale.hpp", header);
    auto env = analyzers::make_environment(nullptr, dir / "work");
    REQUIRE(env);
    analyzers::CompileGroup group;
    group.standard = "17";
    group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
    auto args = analyzers::clang_args(group, analyzers::Language::cxx, *env);
    REQUIRE(args);
    context.request.target = "app";
    context.request.sources.push_back({dir / "scale.cpp", analyzers::Language::cxx, *args});
    context.options.jobs = 1;
    context.options.work_dir = dir / "work";
    context.work_dir = dir / "variants";
    scan = analyzers::scan_target(context.request, context.options);
    REQUIRE(scan.errors() == 0);
    REQUIRE_FALSE(scan.units.empty());
    config.target = "app";
    config.knowledge_dir = dir / ".kevolve";
    config.wrapped.push_back({dir / "scale.cpp", dir / "sources" / "1-scale.cpp"});
  }

  // Records `code` as the winner (K=`best`) of the current kernel of `name`.
  void record(const std::string& code, std::int64_t best, const std::string& name = "scale") {
    auto store = knowledge::KnowledgeDir::open_or_create(config.knowledge_dir);
    REQUIRE(store);
    REQUIRE(store->write_variant(name, code, "cpp",
                                 knowledge::KnowledgeDir::VariantPlace::committed));
    const analyzers::Unit* found = scan.find(name);
    REQUIRE(found);
    const analyzers::Unit& unit = *found;
    knowledge::Wisdom w;
    w.unit = name;
    w.device_id = k_device;
    w.source_hash = unit.hash;
    w.kernel_hash = unit.kernel_hash;
    w.space = unit.space;
    knowledge::SizeRecord r;
    r.primary = true;
    r.best = {{"K", space::Value(best)}};
    r.variant = knowledge::VariantRef{knowledge::variant_hash(code),
                                      "cpp",
                                      unit.kernel_hash,
                                      "command",
                                      "scripted",
                                      "",
                                      unit.space,
                                      0,
                                      0,
                                      {{"K", space::Value(std::int64_t{3})}}};
    r.time_s = 1;
    r.baseline_s = 2;
    r.speedup = 2;
    w.records.push_back(r);
    REQUIRE(store->write(w));
  }

  tune::Injection injection() const {
    backends::Inventory here;  // this machine: the device the wisdom is recorded for
    here.devices.push_back({});
    here.devices.back().id = *knowledge::DeviceId::parse(k_device);
    auto injected = tune::render_injection(scan, config, k_device, here, &context);
    REQUIRE(injected);
    return *injected;
  }
};

}  // namespace

TEST_CASE("variant apply: the winning variant is spliced into the wrapper with its winner",
          "[apply][variant]") {
  Target t;
  std::string code =
      "KEVOLVE_TUNE(scale, \"K: 4, 8\")\nint scale(int x) { return x * KEVOLVE_PARAM(scale, K, "
      "4) + 1000; }";
  t.record(code, 8);
  tune::Injection injection = t.injection();
  CHECK(injection.warnings.empty());
  CHECK_THAT(injection.header, Catch::Contains("code variant " + knowledge::variant_hash(code)));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_scale_K ~, 8\n"));
  REQUIRE(injection.wrappers.size() == 1);
  const std::string& text = injection.wrappers[0].text;
  CHECK_THAT(text, Catch::Contains(code));
  CHECK_THAT(text, Catch::Contains("int other() { return 1; }"));
  CHECK(text.find("return x * KEVOLVE_PARAM(scale, K, 2); }") == std::string::npos);
  REQUIRE(injection.inputs.size() == 1);
  CHECK_THAT(injection.inputs[0], Catch::EndsWith(knowledge::variant_hash(code) + ".cpp"));
}

TEST_CASE("variant apply: a winner outside the variant's own space is not built",
          "[apply][variant][hostile]") {
  Target t;
  t.record("KEVOLVE_TUNE(scale, \"K: 4, 8\")\nint scale(int x) { return x * KEVOLVE_PARAM(scale, "
           "K, 4); }",
           2);
  tune::Injection injection = t.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0],
             Catch::Contains("the winner is not a point of the variant's space") &&
                 Catch::Contains("the original kernel is built with the original's best K=3"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_scale_K ~, 3\n"));
  REQUIRE(injection.wrappers.size() == 1);
  CHECK_THAT(injection.wrappers[0].text, Catch::Contains("#include \""));
}

TEST_CASE("variant apply: a variant without the unit's marker is not built",
          "[apply][variant][hostile]") {
  Target t;
  t.record("int scale(int x) { return x; }", 2);
  tune::Injection injection = t.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0], Catch::Contains("has no unit scale"));
  CHECK_THAT(injection.wrappers.at(0).text, Catch::Contains("#include \""));
}

TEST_CASE("variant apply: a wrapper without a variant includes its original",
          "[apply][variant]") {
  auto plain = tune::wrapper_text("/src/a.cpp", nullptr);
  REQUIRE(plain);
  CHECK_THAT(*plain, Catch::EndsWith("#include \"/src/a.cpp\"\n"));
  auto quoted = tune::wrapper_text("/src/\"a\".cpp", nullptr);
  REQUIRE(quoted);
  CHECK_THAT(*quoted, Catch::EndsWith("#include </src/\"a\".cpp>\n"));
  CHECK_FALSE(tune::wrapper_text("/src/\"a>\".cpp", nullptr));
  CHECK_FALSE(tune::wrapper_text("/src/a\n.cpp", nullptr));
}

TEST_CASE("variant apply: one variant per file; the other unit gets the original's best",
          "[apply][variant]") {
  Target t(R"(#include <kevolve/kevolve.hpp>
KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2); }
KEVOLVE_TUNE(shift, "K: 1, 2, 3, 4")
int shift(int x) { return x + KEVOLVE_PARAM(shift, K, 2); }
)");
  std::string scale = "KEVOLVE_TUNE(scale, \"K: 1, 2, 3, 4\")\nint scale(int x) { return x * "
                      "KEVOLVE_PARAM(scale, K, 2) + 1000; }";
  std::string shift = "KEVOLVE_TUNE(shift, \"K: 1, 2, 3, 4\")\nint shift(int x) { return x + "
                      "KEVOLVE_PARAM(shift, K, 2) + 1000; }";
  t.record(scale, 4, "scale");
  t.record(shift, 4, "shift");
  tune::Injection injection = t.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0],
             Catch::StartsWith("unit shift: its code variant shift/variants/") &&
                 Catch::Contains("the variant of unit scale is already built in") &&
                 Catch::Contains("(one variant per file)"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_scale_K ~, 4\n"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_shift_K ~, 3\n"));
  REQUIRE(injection.wrappers.size() == 1);
  CHECK_THAT(injection.wrappers[0].text, Catch::Contains(scale));
  CHECK(injection.wrappers[0].text.find(shift) == std::string::npos);
}

TEST_CASE("variant apply: a kernel in a header cannot take a variant", "[apply][variant]") {
  Target t("#include \"scale.hpp\"\nint use(int x) { return scale(x); }\n",
           R"(#pragma once
#include <kevolve/kevolve.hpp>
KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
inline int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2); }
)");
  t.record("KEVOLVE_TUNE(scale, \"K: 1, 2, 3, 4\")\ninline int scale(int x) { return x; }", 4);
  tune::Injection injection = t.injection();
  REQUIRE(injection.warnings.size() == 1);
  CHECK_THAT(injection.warnings[0],
             Catch::Contains("scale.hpp, which app does not compile itself (a kernel in a header "
                             "cannot take a variant)") &&
                 Catch::Contains("the original kernel is built with the original's best K=3"));
  CHECK_THAT(injection.header, Catch::Contains("#define KEVOLVE_TUNED_scale_K ~, 3\n"));
  CHECK_THAT(injection.wrappers.at(0).text, Catch::Contains("#include \""));
}
