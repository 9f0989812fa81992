#pragma once

// Facts about the libclang kevolve was built with, for `--version`, reports and cache keys,
// without including libclang's headers.

#include <string>

namespace kevolve::analyzers {

// libclang's version string ("Debian clang version 16.0.6 (...)").
std::string libclang_version();

}  // namespace kevolve::analyzers
