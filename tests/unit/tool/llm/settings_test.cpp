#include "tool/llm/settings.hpp"

#include "util/environment.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace kevolve;

namespace {

struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(m_name); }
  const char* m_name;
};

using Origins = std::vector<std::pair<std::string, std::string>>;

std::string origin_of(const Origins& origins, const std::string& name) {
  for (const auto& [n, origin] : origins)
    if (n == name) return origin;
  return "?";
}

}  // namespace

TEST_CASE("llm settings: none by default; nothing else is needed", "[llm][settings]") {
  Origins origins;
  auto s = llm::resolve_llm({}, "", &origins);
  REQUIRE(s);
  CHECK(s->provider.empty());
  CHECK(s->calls == 3);
  CHECK(origin_of(origins, "llm") == "default");
  CHECK(origin_of(origins, "llm-calls") == "default");
  CHECK(llm::resolve_llm({}, "", nullptr));
}

TEST_CASE("llm settings: flag, then environment, then kevolve_tune's provider", "[llm][settings]") {
  Origins origins;
  auto from_cmake = llm::resolve_llm({}, "anthropic", &origins);
  REQUIRE(from_cmake);
  CHECK(from_cmake->provider == "anthropic");
  CHECK(origin_of(origins, "llm") == "kevolve_tune");

  ScopedEnv provider("KEVOLVE_LLM", "openai");
  ScopedEnv model("KEVOLVE_LLM_MODEL", "env-model");
  ScopedEnv url("KEVOLVE_LLM_URL", "http://127.0.0.1:8080");
  ScopedEnv calls("KEVOLVE_LLM_CALLS", "5");
  ScopedEnv key_env("KEVOLVE_LLM_KEY_ENV", "MY_KEY");
  origins.clear();
  auto from_env = llm::resolve_llm({}, "anthropic", &origins);
  REQUIRE(from_env);
  CHECK(from_env->provider == "openai");
  CHECK(from_env->model == "env-model");
  CHECK(from_env->url == "http://127.0.0.1:8080");
  CHECK(from_env->calls == 5);
  CHECK(from_env->key_env == "MY_KEY");
  CHECK(origin_of(origins, "llm") == "KEVOLVE_LLM");
  CHECK(origin_of(origins, "llm-calls") == "KEVOLVE_LLM_CALLS");

  llm::LlmFlags flags;
  flags.provider = "command";
  flags.command = "my-agent --stdin";
  flags.calls = 2;
  flags.model = "flag-model";
  origins.clear();
  auto from_flags = llm::resolve_llm(flags, "anthropic", &origins);
  REQUIRE(from_flags);
  CHECK(from_flags->provider == "command");
  CHECK(from_flags->command == "my-agent --stdin");
  CHECK(from_flags->calls == 2);
  CHECK(from_flags->model == "flag-model");
  CHECK(origin_of(origins, "llm") == "--llm");
  CHECK(origin_of(origins, "llm-command") == "--llm-command");
  CHECK(origin_of(origins, "llm-url") == "KEVOLVE_LLM_URL");
}

TEST_CASE("llm settings: a malformed value is an error naming it", "[llm][settings]") {
  for (auto [name, value] :
       {std::pair{"KEVOLVE_LLM", "psychic"}, std::pair{"KEVOLVE_LLM_CALLS", "0"},
        std::pair{"KEVOLVE_LLM_CALLS", "many"}, std::pair{"KEVOLVE_LLM_CALLS", "100000"},
        std::pair{"KEVOLVE_LLM_URL", "ftp://example.com"},
        std::pair{"KEVOLVE_LLM_URL", "http://user:secret@example.com"},
        std::pair{"KEVOLVE_LLM_KEY_ENV", "1BAD-NAME"},
        std::pair{"KEVOLVE_LLM_MODEL", "two words"}}) {
    ScopedEnv env(name, value);
    auto s = llm::resolve_llm({}, "", nullptr);
    INFO(name << "=" << value);
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error(), Catch::StartsWith(std::string("environment variable ") + name));
  }
  ScopedEnv provider("KEVOLVE_LLM", "psychic");
  CHECK(llm::resolve_llm({}, "", nullptr).error() ==
        "environment variable KEVOLVE_LLM=psychic: expected one of openai, anthropic, command");
}

TEST_CASE("llm settings: flags and kevolve_tune's provider are checked too", "[llm][settings]") {
  llm::LlmFlags flags;
  flags.url = "file:///etc/passwd";
  CHECK_THAT(llm::resolve_llm(flags, "", nullptr).error(),
             Catch::StartsWith("--llm-url file:///etc/passwd: expected an http:// or https://"));
  flags = {};
  flags.calls = 0;
  CHECK_THAT(llm::resolve_llm(flags, "", nullptr).error(),
             Catch::StartsWith("--llm-calls 0: expected an integer from 1 to 1000"));
  // kevolve_tune(... LLM) names a provider, nothing else.
  CHECK(llm::resolve_llm({}, "http://evil.example.com", nullptr).error() ==
        "kevolve_tune(... LLM http://evil.example.com): expected one of openai, anthropic, "
        "command");
  CHECK(llm::resolve_llm({}, "command", nullptr).error() ==
        "the command provider needs a program: give --llm-command or KEVOLVE_LLM_COMMAND");
}

TEST_CASE("llm settings: a key is read only from a variable's name", "[llm][settings]") {
  ScopedEnv key("KEVOLVE_TEST_SECRET", "s3cret");
  CHECK(util::secret_from_environment("KEVOLVE_TEST_SECRET") == "s3cret");
  CHECK_FALSE(util::secret_from_environment("KEVOLVE_TEST_UNSET_SECRET"));
  CHECK_FALSE(util::secret_from_environment("KEVOLVE_TEST_SECRET=x"));
  CHECK_FALSE(util::secret_from_environment(""));
  CHECK(util::is_variable_name("_A1"));
  CHECK_FALSE(util::is_variable_name("1A"));
  CHECK_FALSE(util::is_variable_name("A-B"));
}
