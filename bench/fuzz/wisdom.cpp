// Fuzz target: the wisdom reader, as read_wisdom_file does it on a file's text: JSON, schema
// upgrade, then the wisdom document. A wisdom it accepts must survive its own canonical form:
// writing it and reading that back gives the same text (the form git diffs are taken of).

#include "knowledge/wisdom.hpp"

#include "knowledge/schema.hpp"
#include "util/json.hpp"

#include <string>
#include <vector>

#include "bench/fuzz/fuzz.hpp"

namespace {

using namespace kevolve;

// The wisdom in `text`, or none where any step refuses it.
std::optional<knowledge::Wisdom> read_wisdom(std::string_view text) {
  auto document = util::parse_json(text, "wisdom.json");
  if (!document) return std::nullopt;
  if (!knowledge::upgrade(*document, "wisdom.json")) return std::nullopt;
  std::vector<std::string> problems;
  knowledge::Wisdom wisdom = knowledge::wisdom_from_json(*document, problems);
  if (!problems.empty()) return std::nullopt;
  return wisdom;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto wisdom = read_wisdom(fuzz::text_of(data, size));
  if (!wisdom) return 0;
  std::string written = knowledge::serialize(*wisdom);
  auto again = read_wisdom(written);
  fuzz::check(again.has_value(), "kevolve reads the wisdom it writes", written);
  fuzz::check(knowledge::serialize(*again) == written, "the canonical form is stable", written);
  return 0;
}
