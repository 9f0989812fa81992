#include "backends/sysfs.hpp"

#include "util/files.hpp"
#include "util/text.hpp"

namespace kevolve::backends {

std::optional<std::string> read_text(const std::filesystem::path& file) {
  auto text = util::read_file(file);
  if (!text) return std::nullopt;
  return std::string(util::trim(*text));
}

std::optional<std::int64_t> read_integer(const std::filesystem::path& file) {
  auto text = read_text(file);
  if (!text) return std::nullopt;
  return util::parse_int(*text);
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view list) {
  std::vector<int> cpus;
  list = util::trim(list);
  if (list.empty()) return cpus;
  for (std::string_view part : util::split(list, ',')) {
    auto dash = part.find('-');
    auto first = util::parse_int(part.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : util::parse_int(part.substr(dash + 1));
    if (!first || !last || *first < 0 || *last < *first || *last > 1 << 20) return std::nullopt;
    for (auto c = *first; c <= *last; ++c) cpus.push_back(static_cast<int>(c));
  }
  return cpus;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  text = util::trim(text);
  std::uint64_t scale = 1;
  if (!text.empty() && (text.back() == 'K' || text.back() == 'M' || text.back() == 'G')) {
    scale = text.back() == 'K' ? 1024 : text.back() == 'M' ? 1024 * 1024 : 1024 * 1024 * 1024;
    text.remove_suffix(1);
  }
  auto value = util::parse_int(text);
  if (!value || *value < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*value) * scale;
}

std::filesystem::path under(const std::filesystem::path& root, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return root / std::filesystem::path(path);
}

}  // namespace kevolve::backends
