#include "knowledge/store.hpp"

#include "knowledge/schema.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kevolve::knowledge {

namespace fs = std::filesystem;

std::string_view describe(Match match) {
  switch (match) {
    case Match::exact:
      return "exact device";
    case Match::arch:
      return "same backend and architecture";
    case Match::backend:
      return "same backend";
    case Match::defaults:
      return "defaults";
  }
  return "?";
}

bool is_unit_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

util::Expected<KnowledgeDir> KnowledgeDir::open(const fs::path& root) {
  fs::path marker = root / k_marker;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return util::unexpected(fmt::format("{}: no knowledge directory there", root.string()));
  }
  auto document = util::read_json_file(marker);
  if (!document) return util::unexpected(document.error());
  if (auto version = upgrade(*document, marker.string()); !version) {
    return util::unexpected(version.error());
  }
  return KnowledgeDir(root);
}

util::Expected<KnowledgeDir> KnowledgeDir::open_or_create(const fs::path& root) {
  std::error_code ec;
  if (fs::exists(root / k_marker, ec)) return open(root);
  if (auto made = util::ensure_directory(root); !made) return util::unexpected(made.error());
  util::Json marker = util::Json::object();
  marker["schema"] = k_schema;
  if (auto written = util::write_file_atomically(root / k_marker, util::dump_json(marker));
      !written) {
    return util::unexpected(written.error());
  }
  if (!fs::exists(root / ".gitignore", ec)) {
    // Trials are large and machine-specific; the lock is transient.
    if (auto written = util::write_file_atomically(root / ".gitignore", "trials/\n.lock\n");
        !written) {
      return util::unexpected(written.error());
    }
  }
  return KnowledgeDir(root);
}

fs::path KnowledgeDir::wisdom_file(std::string_view unit, const DeviceId& device) const {
  return m_root / std::string(unit) / (device.str() + ".json");
}

fs::path KnowledgeDir::trials_file(std::string_view unit, const DeviceId& device) const {
  return m_root / "trials" / std::string(unit) / (device.str() + ".jsonl");
}

std::vector<std::string> KnowledgeDir::units() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_root, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && is_unit_name(name) && !devices(name).empty()) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<DeviceId> KnowledgeDir::devices(std::string_view unit) const {
  std::vector<DeviceId> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_root / std::string(unit), ec)) {
    const fs::path& p = entry.path();
    if (!entry.is_regular_file() || p.extension() != ".json") continue;
    if (auto id = DeviceId::parse(p.stem().string())) out.push_back(*id);
  }
  std::sort(out.begin(), out.end(),
            [](const DeviceId& a, const DeviceId& b) { return a.str() < b.str(); });
  return out;
}

util::Expected<std::optional<Wisdom>> KnowledgeDir::read(std::string_view unit,
                                                         const DeviceId& device) const {
  fs::path file = wisdom_file(unit, device);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::optional<Wisdom>();
  auto wisdom = read_wisdom_file(file);
  if (!wisdom) return util::unexpected(wisdom.error());
  if (wisdom->unit != unit || wisdom->device_id != device.str()) {
    return util::unexpected(fmt::format(
        "{}: holds unit '{}' on device '{}', but its path says unit '{}' on device '{}'",
        file.string(), wisdom->unit, wisdom->device_id, unit, device.str()));
  }
  return std::optional<Wisdom>(std::move(*wisdom));
}

util::Expected<void> KnowledgeDir::write(const Wisdom& wisdom) const {
  if (!is_unit_name(wisdom.unit)) {
    return util::unexpected(fmt::format("'{}' is not a unit name", wisdom.unit));
  }
  auto device = DeviceId::parse(wisdom.device_id);
  if (!device) return util::unexpected(device.error());
  fs::path file = wisdom_file(wisdom.unit, *device);
  if (auto made = util::ensure_directory(file.parent_path()); !made) return made;
  return util::write_file_atomically(file, serialize(wisdom));
}

util::Expected<Lookup> KnowledgeDir::lookup(std::string_view unit, const DeviceId& device) const {
  std::vector<DeviceId> known = devices(unit);
  auto pick = [&](Match match) -> std::optional<DeviceId> {
    for (const DeviceId& id : known) {
      bool ok = match == Match::exact  ? id == device
                : match == Match::arch ? id.backend == device.backend && id.arch == device.arch
                                       : id.backend == device.backend;
      if (ok) return id;
    }
    return std::nullopt;
  };
  for (Match match : {Match::exact, Match::arch, Match::backend}) {
    auto id = pick(match);
    if (!id) continue;
    auto wisdom = read(unit, *id);
    if (!wisdom) return util::unexpected(wisdom.error());
    KEVOLVE_LOG("knowledge: {} on {}: {} ({})", unit, device.str(), id->str(), describe(match));
    return Lookup{match, std::move(*wisdom), wisdom_file(unit, *id)};
  }
  KEVOLVE_LOG("knowledge: {} on {}: no wisdom, defaults", unit, device.str());
  return Lookup{Match::defaults, std::nullopt, {}};
}

util::Expected<util::LockFile> KnowledgeDir::lock(std::string_view purpose) const {
  return util::LockFile::acquire(m_root / ".lock", purpose);
}

}  // namespace kevolve::knowledge
