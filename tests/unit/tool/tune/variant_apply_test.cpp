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

  Target() {
    dir.write("scale.cpp", k_source);
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
    REQUIRE(scan.units.size() == 1);
    config.target = "app";
    config.knowledge_dir = dir / ".kevolve";
    config.wrapped.push_back({dir / "scale.cpp", dir / "sources" / "1-scale.cpp"});
  }

  // Records `code` as the winner (K=`best`) of the current kernel.
  void record(const std::string& code, std::int64_t best) {
    auto store = knowledge::KnowledgeDir::open_or_create(config.knowledge_dir);
    REQUIRE(store);
    REQUIRE(store->write_variant("scale", code, "cpp",
                                 knowledge::KnowledgeDir::VariantPlace::committed));
    const analyzers::Unit& unit = scan.units.front();
    knowledge::Wisdom w;
    w.unit = "scale";
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
    auto injected = tune::render_injection(scan, config, k_device, {}, &context);
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
  auto plain = tune::wrapper_text("/src/a.cpp", {});
  REQUIRE(plain);
  CHECK_THAT(*plain, Catch::EndsWith("#include \"/src/a.cpp\"\n"));
  auto quoted = tune::wrapper_text("/src/\"a\".cpp", {});
  REQUIRE(quoted);
  CHECK_THAT(*quoted, Catch::EndsWith("#include </src/\"a\".cpp>\n"));
  CHECK_FALSE(tune::wrapper_text("/src/\"a>\".cpp", {}));
  CHECK_FALSE(tune::wrapper_text("/src/a\n.cpp", {}));
}

TEST_CASE("variant apply: two variants of one file are both spliced, the last first",
          "[apply][variant]") {
  test::TempDir dir;
  dir.write("two.cpp", "int a() { return 1; }\nint b() { return 2; }\nint c() { return 3; }\n");
  tune::ShippedVariant first;
  first.original = dir / "two.cpp";
  first.begin = 0;
  first.end = 21;
  first.code = "int a() { return 10; }";
  first.file = dir / "a.cpp";
  tune::ShippedVariant second = first;
  second.begin = 44;
  second.end = 65;
  second.code = "int c() { return 30; }";
  second.file = dir / "c.cpp";
  auto text = tune::wrapper_text(dir / "two.cpp", {&first, &second});
  REQUIRE(text);
  CHECK_THAT(*text, Catch::Contains("int a() { return 10; }"));
  CHECK_THAT(*text, Catch::Contains("int b() { return 2; }"));
  CHECK_THAT(*text, Catch::Contains("int c() { return 30; }"));
  CHECK(text->find("return 1;") == std::string::npos);
  CHECK(text->find("return 3;") == std::string::npos);
  second.begin = 10;
  CHECK_FALSE(tune::wrapper_text(dir / "two.cpp", {&first, &second}));
}
