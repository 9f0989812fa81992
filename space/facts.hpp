#pragma once

// Hardware facts: the names a constraint may use besides its parameters (docs/design.md §3), with
// the values of one device.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kevolve::space {

struct FactInfo {
  std::string_view name;
  std::string_view description;
};

// Every fact name the language knows, in documentation order.
std::span<const FactInfo> known_facts();
bool is_known_fact(std::string_view name);

// The facts of one device (some may be unknown there: a CPU has no shared memory).
struct Facts {
  std::string device;  // who they describe, for messages: a device id or "command line"
  std::map<std::string, std::int64_t, std::less<>> values;

  std::optional<std::int64_t> get(std::string_view name) const;
};

}  // namespace kevolve::space
