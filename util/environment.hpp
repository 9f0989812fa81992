#pragma once

// The environment variables kevolve reads, in one table, read in one place: every read goes
// through `environment()`, which knows only the names of the table. docs/cli.md lists the same
// table (a unit test keeps the two equal). An empty value counts as unset.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kevolve::util {

struct EnvironmentVariable {
  std::string_view name;
  std::string_view meaning;  // one line, as docs/cli.md gives it
};

std::span<const EnvironmentVariable> environment_variables();

// The value of a variable of the table, if it is set and not empty. A name that is not in the
// table is a programming error (it aborts in debug builds and reads nothing otherwise).
std::optional<std::string> environment(std::string_view name);

// The first executable `name` in a directory of PATH, or an empty path.
std::filesystem::path find_on_path(std::string_view name);

}  // namespace kevolve::util
