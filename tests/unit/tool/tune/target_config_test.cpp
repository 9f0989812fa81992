#include "tool/tune/target_config.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

namespace an = kevolve::analyzers;
using kevolve::tune::no_unit_error;

namespace {

an::Target target(const std::string& name, const std::string& type,
                  std::vector<std::filesystem::path> sources,
                  std::vector<std::string> dependencies) {
  an::Target t;
  t.name = name;
  t.type = type;
  for (auto& s : sources) t.sources.push_back({s, "CXX", 0});
  t.dependencies = std::move(dependencies);
  return t;
}

}  // namespace

TEST_CASE("no unit: the error names the target, and the libraries it links that mark some") {
  kevolve::test::TempDir dir;
  auto stencil = dir.write("kernels/stencil.cpp", "KEVOLVE_TUNE(stencil, \"A: 1, 2\")\n");
  auto weights = dir.write("kernels/weights.cpp", "float weight();\n");
  auto main = dir.write("main.cpp", "int main() {}\n");
  an::BuildInfo build;
  build.source_dir = dir.path();
  build.targets = {target("app", "EXECUTABLE", {main}, {"middle", "kevolve_apply_app"}),
                   target("middle", "STATIC_LIBRARY", {weights}, {"kernels"}),
                   target("kernels", "STATIC_LIBRARY", {stencil, weights}, {}),
                   target("plain", "STATIC_LIBRARY", {weights}, {}),
                   target("kevolve_apply_app", "UTILITY", {}, {})};

  SECTION("a library linked through another one is named, with its marking source") {
    std::string e = no_unit_error(build, "app");
    CHECK(e.find("kevolve_tune(app): target app marks no unit") == 0);
    CHECK(e.find("kernels (kernels/stencil.cpp). Call kevolve_tune(kernels) instead") !=
          std::string::npos);
    CHECK(e.find("middle (") == std::string::npos);  // it marks nothing
  }
  SECTION("a target that links nothing marked: the target alone") {
    CHECK(no_unit_error(build, "plain") ==
          "kevolve_tune(plain): target plain marks no unit (no source of it has a "
          "KEVOLVE_TUNE)");
  }
}
