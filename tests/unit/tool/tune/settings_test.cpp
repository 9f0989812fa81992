#include "tool/tune/settings.hpp"

#include "util/environment.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace kevolve;

namespace {

// Sets a variable for one test; each test case runs in its own process under CTest.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(m_name); }
  const char* m_name;
};

std::string origin_of(const tune::ResolvedSettings& r, const std::string& name) {
  for (const auto& [n, origin] : r.origins) {
    if (n == name) return origin;
  }
  return "?";
}

}  // namespace

TEST_CASE("settings: flag, then environment, then kevolve_tune, then default", "[settings]") {
  tune::TargetConfig project;
  tune::TuneFlags flags;
  auto defaults = tune::resolve_settings(flags, project);
  REQUIRE(defaults);
  CHECK(defaults->settings.budget == 100);
  CHECK(defaults->settings.rounds == 5);
  CHECK(defaults->settings.eval.min_timeout == std::chrono::milliseconds(15000));
  CHECK(origin_of(*defaults, "budget") == "default");

  project.budget = 40;
  project.strategy = "random";
  auto from_project = tune::resolve_settings(flags, project);
  CHECK(from_project->settings.budget == 40);
  CHECK(from_project->settings.strategy == "random");
  CHECK(origin_of(*from_project, "budget") == "kevolve_tune");

  ScopedEnv budget("KEVOLVE_BUDGET", "25");
  ScopedEnv timeout("KEVOLVE_TIMEOUT", "2.5");
  auto from_env = tune::resolve_settings(flags, project);
  CHECK(from_env->settings.budget == 25);
  CHECK(from_env->settings.eval.min_timeout == std::chrono::milliseconds(2500));
  CHECK(origin_of(*from_env, "budget") == "KEVOLVE_BUDGET");

  flags.budget = 7;
  auto from_flag = tune::resolve_settings(flags, project);
  CHECK(from_flag->settings.budget == 7);
  CHECK(origin_of(*from_flag, "budget") == "--budget");
  CHECK(from_flag->settings.strategy == "random");
}

TEST_CASE("settings: a malformed environment value is an error naming it", "[settings]") {
  for (auto [name, value] : {std::pair{"KEVOLVE_BUDGET", "many"}, std::pair{"KEVOLVE_BUDGET", "0"},
                             std::pair{"KEVOLVE_ROUNDS", "5x"}, std::pair{"KEVOLVE_TIME", "-1"},
                             std::pair{"KEVOLVE_STRATEGY", "psychic"}}) {
    ScopedEnv env(name, value);
    auto r = tune::resolve_settings({}, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().find(name) != std::string::npos);
  }
  ScopedEnv strategy("KEVOLVE_STRATEGY", "psychic");
  CHECK(tune::resolve_settings({}, {}).error() ==
        "environment variable KEVOLVE_STRATEGY=psychic: expected one of exhaustive, random, ils, "
        "anneal, genetic, tpe, bayes, bandit");
  // A flag does not hide a malformed variable: the environment is wrong either way.
  ScopedEnv env("KEVOLVE_TOP", "lots");
  tune::TuneFlags flags;
  flags.top = 2;
  CHECK_FALSE(tune::resolve_settings(flags, {}));
}

// Every variable kevolve reads is in docs/cli.md's table, and no product file reads one
// around util/environment.cpp.
TEST_CASE("environment: one table, in the code and in docs/cli.md", "[settings]") {
  std::filesystem::path root = std::filesystem::path(KEVOLVE_INCLUDE_DIR).parent_path();
  std::ifstream docs(root / "docs" / "cli.md");
  std::stringstream text;
  text << docs.rdbuf();
  std::set<std::string> documented;
  std::regex row(R"(\n\| `([A-Z_]+)` \|)");
  std::string s = text.str();
  for (auto it = std::sregex_iterator(s.begin(), s.end(), row); it != std::sregex_iterator(); ++it)
    documented.insert((*it)[1]);
  std::set<std::string> coded;
  for (const util::EnvironmentVariable& v : util::environment_variables())
    coded.insert(std::string(v.name));
  CHECK(documented == coded);

  for (const char* folder : {"util", "space", "knowledge", "backends", "analyzers", "tool"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file() || entry.path().filename() == "environment.cpp") continue;
      std::ifstream in(entry.path());
      std::stringstream content;
      content << in.rdbuf();
      INFO(entry.path());
      CHECK(content.str().find("getenv(") == std::string::npos);
    }
  }
}

TEST_CASE("settings: the sandbox mode, flag over environment over auto", "[settings]") {
  using backends::SandboxMode;
  auto defaults = tune::resolve_settings({}, {});
  REQUIRE(defaults);
  CHECK(defaults->settings.sandbox == SandboxMode::automatic);
  CHECK(origin_of(*defaults, "sandbox") == "default");
  {
    ScopedEnv env("KEVOLVE_SANDBOX", "required");
    auto from_env = tune::resolve_settings({}, {});
    REQUIRE(from_env);
    CHECK(from_env->settings.sandbox == SandboxMode::required);
    CHECK(origin_of(*from_env, "sandbox") == "KEVOLVE_SANDBOX");
    tune::TuneFlags flags;
    flags.sandbox = SandboxMode::off;
    auto from_flag = tune::resolve_settings(flags, {});
    REQUIRE(from_flag);
    CHECK(from_flag->settings.sandbox == SandboxMode::off);
    CHECK(origin_of(*from_flag, "sandbox") == "--sandbox");
  }
  ScopedEnv wrong("KEVOLVE_SANDBOX", "on");
  CHECK(tune::resolve_settings({}, {}).error() ==
        "environment variable KEVOLVE_SANDBOX=on: expected one of required, auto, off");
}
