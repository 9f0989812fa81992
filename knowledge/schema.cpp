#include "knowledge/schema.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>

namespace kevolve::knowledge {

const Migrations& builtin_migrations() {
  static const Migrations k_migrations;
  return k_migrations;
}

util::Expected<int> upgrade(util::Json& document, std::string_view origin,
                            const Migrations& migrations) {
  if (!document.is_object())
    return util::unexpected(fmt::format("{}: expected a JSON object", origin));
  auto it = document.find("schema");
  if (it == document.end() || !it->is_number_integer()) {
    return util::unexpected(fmt::format("{}: missing integer field \"schema\"", origin));
  }
  // Compared as read, before it narrows to an int (4294967297 must not read as 1).
  const bool negative = !it->is_number_unsigned() && it->get<std::int64_t>() < 0;
  if (negative && it->get<std::int64_t>() < std::numeric_limits<int>::min()) {
    return util::unexpected(
        fmt::format("{}: schema {} is not a schema number", origin, it->dump()));
  }
  if (!negative && it->get<std::uint64_t>() > static_cast<std::uint64_t>(k_schema)) {
    return util::unexpected(fmt::format(
        "{}: schema {} is newer than this kevolve understands (schema {}); upgrade kevolve", origin,
        it->dump(), k_schema));
  }
  const int original = it->get<int>();
  for (int version = original; version < k_schema; ++version) {
    auto step = migrations.find(version);
    if (step == migrations.end()) {
      return util::unexpected(
          fmt::format("{}: schema {} is not supported and no migration to "
                      "schema {} exists",
                      origin, version, version + 1));
    }
    if (auto migrated = step->second(document); !migrated) {
      return util::unexpected(fmt::format("{}: migrating from schema {} failed: {}", origin,
                                          version, migrated.error()));
    }
    document["schema"] = version + 1;
  }
  return original;
}

}  // namespace kevolve::knowledge
