#pragma once

// A unified diff of two texts (dtl), for `kevolve show` and `kevolve adopt`: a code variant
// against the kernel it replaces, or a source before and after adoption.

#include <string>
#include <string_view>

namespace kevolve::tool {

// "--- <from_name>\n+++ <to_name>\n" and the hunks, three lines of context; "" when the texts
// are equal.
std::string unified_diff(std::string_view from, std::string_view to, std::string_view from_name,
                         std::string_view to_name);

}  // namespace kevolve::tool
