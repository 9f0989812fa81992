#pragma once

// Debug logging that costs one branch when off (ccache's LOG): enabled by `-v` (to stderr) or
// by KEVOLVE_LOG_FILE (appended to that file).

#include <fmt/format.h>

#include <string_view>

namespace kevolve::util::log {

extern bool g_enabled;

inline bool enabled() { return g_enabled; }

// Turns logging on for stderr (`verbose`) and/or for KEVOLVE_LOG_FILE when it is set.
void configure(bool verbose);
void write(std::string_view message);

}  // namespace kevolve::util::log

#define KEVOLVE_LOG(...)                                       \
  do {                                                         \
    if (::kevolve::util::log::enabled()) {                     \
      ::kevolve::util::log::write(::fmt::format(__VA_ARGS__)); \
    }                                                          \
  } while (false)
