#include "util/json.hpp"

#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace kevolve::util {

Expected<Json> parse_json(std::string_view text, std::string_view origin) {
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

}  // namespace kevolve::util
