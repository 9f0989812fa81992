#include "tool/llm/settings.hpp"

#include "tool/llm/http.hpp"
#include "util/environment.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kevolve::llm {

namespace {

constexpr std::array<std::string_view, 3> k_providers = {"openai", "anthropic", "command"};
constexpr std::uint64_t k_most_calls = 1000;

// What a value must be; an empty string when it is fine.
using Check = std::string (*)(const std::string& value);

std::string check_provider(const std::string& value) {
  if (std::find(k_providers.begin(), k_providers.end(), value) != k_providers.end()) return {};
  return fmt::format("one of {}", fmt::join(k_providers, ", "));
}

std::string check_model(const std::string& value) {
  const bool plain = std::none_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
  });
  return plain ? std::string() : "a model's name, without spaces or control characters";
}

std::string check_url(const std::string& value) {
  auto url = parse_base_url(value);
  return url ? std::string() : url.error().substr(std::string_view("expected ").size());
}

std::string check_command(const std::string&) { return {}; }

std::string check_key_env(const std::string& value) {
  return util::is_variable_name(value)
             ? std::string()
             : "the name of the variable holding the key (letters, digits and _)";
}

std::string check_calls(const std::string& value) {
  auto n = util::parse_int(value);
  if (n && *n >= 1 && std::uint64_t(*n) <= k_most_calls) return {};
  return fmt::format("an integer from 1 to {}", k_most_calls);
}

// Picks each setting from the first layer that has one; every layer present is checked, so a
// flag does not hide a malformed variable.
class Layers {
 public:
  explicit Layers(std::vector<std::pair<std::string, std::string>>* origins) : m_origins(origins) {}

  std::optional<std::string> pick(std::string_view name, const std::optional<std::string>& flag,
                                  std::string_view variable, Check check,
                                  std::optional<std::string> fallback = {},
                                  std::string_view fallback_origin = "default") {
    if (flag) verify(fmt::format("--{} {}", name, *flag), *flag, check);
    auto env = util::environment(variable);
    if (env) verify(fmt::format("environment variable {}={}", variable, *env), *env, check);
    if (fallback) verify(fmt::format("kevolve_tune(... LLM {})", *fallback), *fallback, check);
    const std::string origin = flag       ? fmt::format("--{}", name)
                               : env      ? std::string(variable)
                               : fallback ? std::string(fallback_origin)
                                          : "default";
    if (m_origins) m_origins->emplace_back(std::string(name), origin);
    return flag ? flag : env ? env : fallback;
  }

  const std::optional<std::string>& error() const { return m_error; }

 private:
  void verify(const std::string& where, const std::string& value, Check check) {
    std::string expected = value.empty() ? "a value" : check(value);
    if (!expected.empty() && !m_error) m_error = fmt::format("{}: expected {}", where, expected);
  }

  std::vector<std::pair<std::string, std::string>>* m_origins;
  std::optional<std::string> m_error;
};

}  // namespace

util::Expected<Settings> resolve_llm(const LlmFlags& flags, std::string_view cmake_provider,
                                     std::vector<std::pair<std::string, std::string>>* origins) {
  Settings s;
  Layers l(origins);
  const std::optional<std::string> project =
      cmake_provider.empty() ? std::nullopt : std::optional<std::string>(cmake_provider);
  s.provider = l.pick("llm", flags.provider, "KEVOLVE_LLM", check_provider, project, "kevolve_tune")
                   .value_or("");
  s.model = l.pick("llm-model", flags.model, "KEVOLVE_LLM_MODEL", check_model).value_or("");
  s.url = l.pick("llm-url", flags.url, "KEVOLVE_LLM_URL", check_url).value_or("");
  s.command =
      l.pick("llm-command", flags.command, "KEVOLVE_LLM_COMMAND", check_command).value_or("");
  s.key_env =
      l.pick("llm-key-env", flags.key_env, "KEVOLVE_LLM_KEY_ENV", check_key_env).value_or("");
  const std::optional<std::string> calls_flag =
      flags.calls ? std::optional<std::string>(std::to_string(*flags.calls)) : std::nullopt;
  if (auto calls = l.pick("llm-calls", calls_flag, "KEVOLVE_LLM_CALLS", check_calls))
    s.calls = static_cast<std::uint64_t>(util::parse_int(*calls).value_or(0));
  if (l.error()) return util::unexpected(*l.error());
  if (s.provider == "command" && s.command.empty())
    return util::unexpected(std::string(
        "the command provider needs a program: give --llm-command or KEVOLVE_LLM_COMMAND"));
  return s;
}

}  // namespace kevolve::llm
