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

// How deeply arrays and objects may nest. kevolve's own files nest a handful of levels; the
// limit keeps a hostile file (100,000 levels) from exhausting the stack of the recursive copy
// and destruction of the tree: it is checked on the text, before any tree is built.
inline constexpr int k_max_json_depth = 64;

// `origin` names the text in messages ("<file>:<line>:<col>: invalid JSON: ...", and
// "<file>:<line>:<col>: JSON nested deeper than 64 levels").
Expected<Json> parse_json(std::string_view text, std::string_view origin);
Expected<Json> read_json_file(const std::filesystem::path& file);

// Canonical text: two-space indent, UTF-8 kept as is, trailing newline.
std::string dump_json(const Json& document);
// The canonical text, written under a temporary name and renamed: a reader sees none or all.
Expected<void> write_json_file(const std::filesystem::path& file, const Json& document);

}  // namespace kevolve::util
