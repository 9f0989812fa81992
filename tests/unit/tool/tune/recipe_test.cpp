#include "tool/tune/recipe.hpp"

#include "backends/install_paths.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

namespace an = kevolve::analyzers;
namespace be = kevolve::backends;
using kevolve::tune::make_recipe;

namespace {

// A CUDA target with one compiled kernel source and one compiled harness; kernels.cuh is a
// header of both.
struct Fixture {
  an::BuildInfo build;
  an::Target target;
  an::Unit unit;
  be::Device device;

  Fixture() {
    build.build_dir = "/b";
    build.toolchains["CUDA"] = {"CUDA", "/usr/local/cuda/bin/nvcc", "NVIDIA", "13.0", {}};
    target.name = "app";
    an::CompileGroup group;
    group.language = "CUDA";
    group.fragments = {"-O3"};
    target.groups.push_back(group);
    target.sources = {{"/s/conv.cu", "CUDA", 0}, {"/s/conv_bench.cu", "CUDA", 0}};
    unit.name = "conv";
    unit.kernel.name.file = "/s/conv.cu";
    unit.harness = an::Position{"/s/conv_bench.cu", 3, 1, 0};
    unit.params.push_back({"BX", {}, "16", {}, {{"/s/conv.cu", 5, 1, 0}}});
    device.backend = be::Backend::cuda;
    device.arch = "sm_90";
  }
  be::CandidateRecipe recipe() const {
    auto r = make_recipe(build, target, unit, device);
    REQUIRE(r);
    return *r;
  }
};

}  // namespace

TEST_CASE("recipe: the kernel source, then the harness, for the device's architecture") {
  Fixture f;
  be::CandidateRecipe r = f.recipe();
  REQUIRE(r.sources.size() == 2);
  CHECK(r.sources[0].path == "/s/conv.cu");
  CHECK(r.sources[1].path == "/s/conv_bench.cu");
  CHECK(r.gpu_arch == "sm_90a");
  CHECK(r.compiler == "/usr/local/cuda/bin/nvcc");
}

TEST_CASE("recipe: a harness that cannot see a parameter is built once") {
  Fixture f;
  CHECK_FALSE(f.recipe().harness_reads_params);

  SECTION("a parameter read in the harness") {
    f.unit.params[0].uses.push_back({"/s/conv_bench.cu", 9, 1, 0});
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("a parameter read in a header, which the harness may include") {
    f.unit.params[0].uses.push_back({"/s/kernels.cuh", 9, 1, 0});
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("a kernel defined in a header") {
    f.unit.kernel.name.file = "/s/kernels.cuh";
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("parameters injected as plain macros") {
    f.unit.inject = kevolve::space::InjectMode::macros;
    CHECK(f.recipe().harness_reads_params);
  }
}

TEST_CASE("recipe: the platform's architecture and libraries") {
  Fixture f;
  CHECK(f.recipe().link_flags.empty());

  SECTION("an Ampere GPU has no architecture-specific features") {
    f.device.arch = "sm_80";
    CHECK(f.recipe().gpu_arch == "sm_80");
  }
  SECTION("the CPU links Google Benchmark and threads, for no GPU architecture") {
    f.build.toolchains["CXX"] = {"CXX", "/usr/bin/g++", "GNU", "12.2", {}};
    f.device.backend = be::Backend::cpu;
    f.device.arch = "x86_64";
    be::CandidateRecipe r = f.recipe();
    CHECK(r.gpu_arch.empty());
    CHECK(r.link_flags == std::vector<std::string>{be::benchmark_library(), "-lpthread"});
  }
}

namespace {

// A CPU static library `kernels` (stencil.cpp marks the unit, weights.cpp holds its helper, a C
// source beside them) linked by an executable `app` whose link line names the library's
// archive, libm, a third library and a library of the build not built yet.
struct LibraryFixture {
  kevolve::test::TempDir dir;
  std::string third = dir.write("libthird.a", "!<arch>\n").string();
  an::BuildInfo build;
  an::Unit unit;
  be::Device device;

  LibraryFixture() {
    build.build_dir = "/b";
    build.toolchains["CXX"] = {"CXX", "/usr/bin/g++", "GNU", "12.2", {}};
    an::Target kernels;
    kernels.name = "kernels";
    kernels.type = "STATIC_LIBRARY";
    an::CompileGroup cxx;
    cxx.language = "CXX";
    cxx.fragments = {"-O2"};
    an::CompileGroup c;
    c.language = "C";
    kernels.groups = {cxx, c};
    kernels.sources = {{"/s/stencil.cpp", "CXX", 0}, {"/s/weights.cpp", "CXX", 0},
                       {"/s/legacy.c", "C", 1}};
    kernels.artifacts = {"/b/libkernels.a"};
    an::Target app;
    app.name = "app";
    app.type = "EXECUTABLE";
    app.groups = {cxx};
    app.sources = {{"/s/main.cpp", "CXX", 0}};
    app.dependencies = {"kernels"};
    app.link_libraries = {"libkernels.a", "-lm", third, "libunbuilt.a"};
    build.targets = {kernels, app};
    unit.name = "stencil";
    unit.kernel.name.file = "/s/stencil.cpp";
    unit.harness = an::Position{"/s/bench.cpp", 3, 1, 0};
    unit.params.push_back({"CHUNK", {}, "1", {}, {{"/s/stencil.cpp", 5, 1, 0}}});
    device.backend = be::Backend::cpu;
    device.arch = "x86_64";
  }
  be::CandidateRecipe recipe(const std::string& target) const {
    auto r = make_recipe(build, *build.find_target(target), unit, device);
    REQUIRE(r);
    return *r;
  }
};

}  // namespace

TEST_CASE("recipe: a library's other sources in the kernel's language are companions") {
  LibraryFixture f;
  be::CandidateRecipe r = f.recipe("kernels");
  REQUIRE(r.sources.size() == 2);
  CHECK(r.sources[0].path == "/s/stencil.cpp");
  CHECK(r.sources[1].path == "/s/bench.cpp");
  REQUIRE(r.companions.size() == 1);  // not legacy.c: another compiler's language
  CHECK(r.companions[0].path == "/s/weights.cpp");
  CHECK(r.companions[0].flags == std::vector<std::string>{"-O2"});

  SECTION("with injected macros they get the candidate's header: they are sources") {
    f.unit.inject = kevolve::space::InjectMode::macros;
    be::CandidateRecipe m = f.recipe("kernels");
    CHECK(m.companions.empty());
    REQUIRE(m.sources.size() == 3);
    CHECK(m.sources[1].path == "/s/weights.cpp");
    CHECK(m.sources[2].path == "/s/bench.cpp");  // the harness stays last
  }
  SECTION("an executable's other sources are not linked: one holds its main") {
    f.build.targets[1].sources.push_back({"/s/stencil.cpp", "CXX", 0});
    f.build.targets[1].link_libraries.clear();
    be::CandidateRecipe e = f.recipe("app");
    CHECK(e.companions.empty());
    CHECK(e.link_origin.find("not the other sources of app") != std::string::npos);
  }
}

TEST_CASE("recipe: a static library links what the target linking it links, not itself") {
  LibraryFixture f;
  be::CandidateRecipe r = f.recipe("kernels");
  std::vector<std::string> expected = {"-lm", f.third, be::benchmark_library(), "-lpthread"};
  CHECK(r.link_flags == expected);
  CHECK(r.link_origin.find("the link libraries of app (-lm " + f.third + ")") !=
        std::string::npos);
  CHECK(r.link_origin.find("(not /b/libunbuilt.a, which is not built yet") != std::string::npos);

  SECTION("GPU candidates are shared libraries: no link library") {
    f.build.toolchains["CUDA"] = {"CUDA", "/usr/local/cuda/bin/nvcc", "NVIDIA", "13.0", {}};
    f.device.backend = be::Backend::cuda;
    f.device.arch = "sm_90";
    be::CandidateRecipe g = f.recipe("kernels");
    CHECK(std::find(g.link_flags.begin(), g.link_flags.end(), "-lm") == g.link_flags.end());
    CHECK(g.link_origin.find("no link library (a GPU candidate is a shared library)") !=
          std::string::npos);
  }
}
