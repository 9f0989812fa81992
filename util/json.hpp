#pragma once

// JSON in and out, the one way kevolve does it: ordered objects (key order is part of the
// on-disk format), two-space indent, trailing newline; parse errors name file, line and column.

#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace kevolve::util {

using Json = nlohmann::ordered_json;

// `origin` names the text in messages ("<file>:<line>:<col>: invalid JSON: ...").
Expected<Json> parse_json(std::string_view text, std::string_view origin);
Expected<Json> read_json_file(const std::filesystem::path& file);

// Canonical text: two-space indent, UTF-8 kept as is, trailing newline.
std::string dump_json(const Json& document);

}  // namespace kevolve::util
