#include "util/json.hpp"

#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <optional>

namespace kevolve::util {

namespace {

// Where `text` first opens more than `limit` arrays and objects at once, if it does. Brackets
// inside strings do not count. Linear, with no stack: it runs before the parser builds a tree.
std::optional<std::size_t> too_deep_at(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

Expected<Json> parse_json(std::string_view text, std::string_view origin) {
  if (auto deep = too_deep_at(text, k_max_json_depth)) {
    auto pos = position_of(text, *deep);
    return unexpected(fmt::format("{}:{}:{}: JSON nested deeper than {} levels", origin, pos.line,
                                  pos.column, k_max_json_depth));
  }
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is one past the offending character; nlohmann's own text repeats the position.
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    auto pos = position_of(text, offset);
    std::string reason = e.what();
    if (auto colon = reason.find(": "); colon != std::string::npos) {
      if (auto second = reason.find(": ", colon + 2); second != std::string::npos) {
        reason = reason.substr(second + 2);
      }
    }
    if (offset >= text.size()) reason = "unexpected end of file (truncated?): " + reason;
    return unexpected(
        fmt::format("{}:{}:{}: invalid JSON: {}", origin, pos.line, pos.column, reason));
  } catch (const Json::exception& e) {
    // A number out of range (1e400) is not a parse_error and carries no position.
    return unexpected(fmt::format("{}: invalid JSON: {}", origin, e.what()));
  }
}

Expected<Json> read_json_file(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return unexpected(text.error());
  return parse_json(*text, file.string());
}

std::string dump_json(const Json& document) {
  return document.dump(2, ' ', false, Json::error_handler_t::strict) + "\n";
}

Expected<void> write_json_file(const std::filesystem::path& file, const Json& document) {
  return write_file_atomically(file, dump_json(document));
}

}  // namespace kevolve::util
