#include "tool/llm/provider.hpp"

#include "tool/llm/providers.hpp"

#include <fmt/format.h>

namespace kevolve::llm {

util::Expected<std::unique_ptr<Provider>> make_provider(const Settings& settings) {
  if (settings.provider == "openai") return make_openai(settings);
  if (settings.provider == "anthropic") return make_anthropic(settings);
  if (settings.provider == "command") return make_command(settings);
  return util::unexpected(fmt::format(
      "unknown LLM provider '{}': expected openai, anthropic or command", settings.provider));
}

}  // namespace kevolve::llm
