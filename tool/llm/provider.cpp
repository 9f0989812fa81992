#include "tool/llm/provider.hpp"

#include <fmt/format.h>

namespace kevolve::llm {

// Each in its file (openai.cpp, anthropic.cpp, command.cpp), checking its own settings.
util::Expected<std::unique_ptr<Provider>> make_openai(const Settings& settings);
util::Expected<std::unique_ptr<Provider>> make_anthropic(const Settings& settings);
util::Expected<std::unique_ptr<Provider>> make_command(const Settings& settings);

util::Expected<std::unique_ptr<Provider>> make_provider(const Settings& settings) {
  if (settings.provider == "openai") return make_openai(settings);
  if (settings.provider == "anthropic") return make_anthropic(settings);
  if (settings.provider == "command") return make_command(settings);
  return util::unexpected(fmt::format(
      "unknown LLM provider '{}': expected openai, anthropic or command", settings.provider));
}

}  // namespace kevolve::llm
