#include "knowledge/device_id.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kevolve::knowledge {

namespace {

bool all_of(std::string_view s, bool (*ok)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), ok);
}
bool backend_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}
bool arch_char(char c) { return backend_char(c) || c == '_' || c == '.'; }
bool slug_char(char c) { return backend_char(c) || c == '-'; }

std::string erase_all(std::string s, std::string_view what) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what)) s.erase(at, what.size());
  return s;
}

}  // namespace

std::string device_slug(std::string_view name) {
  std::string cleaned(name);
  for (std::string_view mark : {"(R)", "(r)", "(TM)", "(tm)"}) cleaned = erase_all(cleaned, mark);
  if (auto at = cleaned.find(" @ "); at != std::string::npos) cleaned.resize(at);
  std::string s = util::slug(cleaned);
  return s.empty() ? "unknown" : s;
}

DeviceId DeviceId::make(std::string_view backend, std::string_view arch, std::string_view name) {
  std::string clean_arch;
  for (char c : arch) {
    auto u = static_cast<unsigned char>(c);
    clean_arch +=
        arch_char(static_cast<char>(std::tolower(u))) ? static_cast<char>(std::tolower(u)) : '_';
  }
  return DeviceId{std::string(backend), clean_arch.empty() ? "unknown" : clean_arch,
                  device_slug(name)};
}

util::Expected<DeviceId> DeviceId::parse(std::string_view id) {
  auto first = id.find('-');
  auto second = first == std::string_view::npos ? first : id.find('-', first + 1);
  if (second == std::string_view::npos) {
    return util::unexpected(
        fmt::format("'{}' is not a device id: expected <backend>-<arch>-<name>", id));
  }
  DeviceId d{std::string(id.substr(0, first)),
             std::string(id.substr(first + 1, second - first - 1)),
             std::string(id.substr(second + 1))};
  bool ok = all_of(d.backend, backend_char) && all_of(d.arch, arch_char) &&
            all_of(d.slug, slug_char) && d.slug.front() != '-' && d.slug.back() != '-' &&
            d.slug.find("--") == std::string::npos;
  if (!ok) {
    return util::unexpected(fmt::format(
        "'{}' is not a device id: expected <backend>-<arch>-<name> in lowercase letters, digits, "
        "'_' and '.' (arch) and single '-' (name)",
        id));
  }
  return d;
}

}  // namespace kevolve::knowledge
