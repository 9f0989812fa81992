#pragma once

// The LLM's settings, each filled in one order (docs/llm.md, "Providers"): the command line (--llm,
// --llm-model, ...), then the KEVOLVE_LLM* environment, then kevolve_tune()'s LLM argument (the
// provider only: a URL or a command is never taken from a file a pull request could change),
// then none. A malformed value is an error that names its flag or variable.

#include "tool/llm/provider.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kevolve::llm {

// What the command line gave; unset: not given.
struct LlmFlags {
  std::optional<std::string> provider, model, url, command, key_env;
  std::optional<std::uint64_t> calls;
};

// The settings; provider empty when no layer names one (then nothing else is checked and nothing
// touches the network). `origins`, when given, receives each setting's name and where its value
// came from: ("llm", "--llm"), ("llm-model", "KEVOLVE_LLM_MODEL"), ("llm", "kevolve_tune"),
// ("llm-calls", "default").
util::Expected<Settings> resolve_llm(const LlmFlags& flags, std::string_view cmake_provider,
                                     std::vector<std::pair<std::string, std::string>>* origins);

}  // namespace kevolve::llm
