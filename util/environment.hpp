#pragma once

// The environment variables kevolve reads, in one table, read in one place: every read goes
// through `environment()`, which knows only the names of the table. docs/cli.md lists the same
// table (a unit test keeps the two equal). An empty value counts as unset. The one exception is
// secret_from_environment, for a provider's key in a variable the user names.

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

// The value of the variable `name` that holds a secret (an LLM provider's key): the one read of a
// variable outside the table, since the user names it (KEVOLVE_LLM_KEY_ENV). Set and not empty,
// else nothing; a name that is not a variable's name (letters, digits and `_`, not starting with a
// digit) reads nothing. The caller keeps the value out of every message, log, file and argument.
std::optional<std::string> secret_from_environment(std::string_view name);

// True for a name a variable may have: [A-Za-z_][A-Za-z0-9_]*.
bool is_variable_name(std::string_view name);

// The first executable `name` in a directory of PATH, or an empty path.
std::filesystem::path find_on_path(std::string_view name);

}  // namespace kevolve::util
