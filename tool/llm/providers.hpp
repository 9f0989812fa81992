#pragma once

// The providers make_provider chooses between (provider.cpp); each checks its own settings.

#include "tool/llm/provider.hpp"

namespace kevolve::llm {

util::Expected<std::unique_ptr<Provider>> make_openai(const Settings& settings);
util::Expected<std::unique_ptr<Provider>> make_anthropic(const Settings& settings);
util::Expected<std::unique_ptr<Provider>> make_command(const Settings& settings);

}  // namespace kevolve::llm
