#include "knowledge/store.hpp"

#include "knowledge/recorded_point.hpp"
#include "knowledge/schema.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <unistd.h>

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

bool is_unit_name(std::string_view name) { return is_identifier(name); }

util::Expected<void> check_marker(std::string_view text, std::string_view origin) {
  auto document = util::parse_json(text, origin);
  if (!document) return util::unexpected(document.error());
  if (auto version = upgrade(*document, origin); !version) {
    return util::unexpected(version.error());
  }
  return {};
}

util::Expected<KnowledgeDir> KnowledgeDir::open(const fs::path& root) {
  auto dir = util::ConfinedDir::open(root);
  if (!dir) return util::unexpected(fmt::format("{}: no knowledge directory there", root.string()));
  auto text = dir->read(k_marker, k_max_wisdom_bytes);
  if (!text) return util::unexpected(text.error());
  fs::path marker = root / k_marker;
  if (!*text) {
    return util::unexpected(
        fmt::format("cannot read {}: {}", marker.string(), std::strerror(ENOENT)));
  }
  if (auto checked = check_marker(**text, marker.string()); !checked) {
    return util::unexpected(checked.error());
  }
  return KnowledgeDir(root);
}

util::Expected<KnowledgeDir> KnowledgeDir::open_or_create(const fs::path& root) {
  if (auto made = util::ensure_directory(root); !made) return util::unexpected(made.error());
  auto dir = util::ConfinedDir::open(root);
  if (!dir) return util::unexpected(dir.error());
  if (dir->kind(k_marker) != util::EntryKind::missing) return open(root);
  util::Json marker = util::Json::object();
  marker["schema"] = k_schema;
  if (auto written = util::write_file_atomically(*dir, k_marker, util::dump_json(marker));
      !written) {
    return util::unexpected(written.error());
  }
  if (dir->kind(".gitignore") == util::EntryKind::missing) {
    // Trials are large and machine-specific; the lock is transient.
    if (auto written = util::write_file_atomically(*dir, ".gitignore", "trials/\n.lock\n");
        !written) {
      return util::unexpected(written.error());
    }
  }
  return KnowledgeDir(root);
}

fs::path KnowledgeDir::wisdom_file(std::string_view unit, const DeviceId& device) const {
  return m_root / std::string(unit) / (device.str() + ".json");
}

util::PathBeneath KnowledgeDir::trials_file(std::string_view unit, const DeviceId& device) const {
  return {m_root, fs::path("trials") / std::string(unit) / (device.str() + ".jsonl")};
}

util::PathBeneath KnowledgeDir::answers_dir(const fs::path& root) {
  return {root, fs::path("trials") / k_answers};
}

std::vector<std::string> KnowledgeDir::units() const {
  std::vector<std::string> out;
  auto root = util::ConfinedDir::open(m_root);
  auto entries = root ? root->list() : util::Expected<std::vector<util::DirEntry>>({});
  if (!entries) return out;
  for (const util::DirEntry& entry : *entries) {
    if (entry.kind == util::EntryKind::directory && is_unit_name(entry.name) &&
        !devices(entry.name).empty())
      out.push_back(entry.name);
  }
  return out;
}

util::Expected<std::vector<fs::path>> KnowledgeDir::remove_unreferenced_variants() const {
  std::vector<fs::path> removed;
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  for (const std::string& unit : units()) {
    std::vector<std::string> referenced;
    for (const DeviceId& device : devices(unit)) {
      auto wisdom = read(unit, device);
      if (!wisdom) return util::unexpected(wisdom.error());
      if (!*wisdom) continue;
      for (const SizeRecord& r : (*wisdom)->records) {
        if (r.variant) referenced.push_back(r.variant->file_name());
      }
    }
    auto dir = root->find(fs::path(unit) / "variants");
    if (!dir) return util::unexpected(dir.error());
    if (!*dir) continue;
    auto entries = (*dir)->list();
    if (!entries) return util::unexpected(entries.error());
    for (const util::DirEntry& entry : *entries) {
      fs::path name(entry.name);
      std::string ext = name.extension().string();
      bool is_variant = entry.kind == util::EntryKind::regular &&
                        is_variant_hash(name.stem().string()) && ext.size() > 1 &&
                        is_variant_ext(ext.substr(1));
      if (!is_variant ||
          std::find(referenced.begin(), referenced.end(), entry.name) != referenced.end())
        continue;
      if (unlinkat((*dir)->fd(), entry.name.c_str(), 0) != 0) {
        return util::unexpected(fmt::format(
            "{}: cannot remove: {}", ((*dir)->path() / entry.name).string(), std::strerror(errno)));
      }
      removed.push_back((*dir)->path() / entry.name);
    }
  }
  return removed;
}

util::Expected<std::vector<DeviceId>> KnowledgeDir::list_devices(std::string_view unit) const {
  std::vector<DeviceId> out;
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  auto dir = root->find(std::string(unit));
  if (!dir) return util::unexpected(dir.error());
  if (!*dir) return out;
  auto entries = (*dir)->list();
  if (!entries) return util::unexpected(entries.error());
  for (const util::DirEntry& entry : *entries) {
    fs::path name(entry.name);
    if (entry.kind == util::EntryKind::directory || name.extension() != ".json") continue;
    if (auto id = DeviceId::parse(name.stem().string())) out.push_back(*id);
  }
  std::sort(out.begin(), out.end(),
            [](const DeviceId& a, const DeviceId& b) { return a.str() < b.str(); });
  return out;
}

std::vector<DeviceId> KnowledgeDir::devices(std::string_view unit) const {
  return list_devices(unit).value_or(std::vector<DeviceId>());
}

util::Expected<std::optional<Wisdom>> KnowledgeDir::read(std::string_view unit,
                                                         const DeviceId& device) const {
  fs::path file = wisdom_file(unit, device);
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  auto text = root->read(fs::path(std::string(unit)) / file.filename(), k_max_wisdom_bytes);
  if (!text) return util::unexpected(text.error());
  if (!*text) return std::optional<Wisdom>();
  auto wisdom = parse_wisdom(**text, file.string());
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
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  auto dir = root->make(wisdom.unit);
  if (!dir) return util::unexpected(fmt::format("cannot write {}: {}", file.string(), dir.error()));
  return util::write_file_atomically(*dir, file.filename().string(), serialize(wisdom));
}

util::Expected<fs::path> KnowledgeDir::write_variant(std::string_view unit, std::string_view code,
                                                     std::string_view ext,
                                                     VariantPlace place) const {
  if (!is_unit_name(unit)) return util::unexpected(fmt::format("'{}' is not a unit name", unit));
  if (!is_variant_ext(ext))
    return util::unexpected(fmt::format("'{}' is not a source suffix", ext));
  fs::path relative = fs::path(std::string(unit)) / "variants";
  if (place == VariantPlace::trials) relative = fs::path("trials") / relative;
  std::string name = variant_hash(code) + "." + std::string(ext);
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  auto dir = root->make(relative);
  if (!dir) return util::unexpected(dir.error());
  if (auto written = util::write_file_atomically(*dir, name, code); !written)
    return util::unexpected(written.error());
  return m_root / relative / name;
}

util::Expected<std::string> KnowledgeDir::read_variant(std::string_view unit, const VariantRef& ref,
                                                       VariantPlace place) const {
  fs::path relative = fs::path(std::string(unit)) / "variants" / ref.file_name();
  if (place == VariantPlace::trials) relative = fs::path("trials") / relative;
  if (!is_unit_name(unit) || !is_variant_hash(ref.hash) || !is_variant_ext(ref.ext))
    return util::unexpected(fmt::format("{}: not a variant's name", relative.string()));
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  auto text = root->read(relative, k_max_wisdom_bytes);
  if (!text) return util::unexpected(text.error());
  if (!*text) {
    return util::unexpected(fmt::format("{}: the code variant the wisdom refers to is missing",
                                        (m_root / relative).string()));
  }
  if (variant_hash(**text) != ref.hash) {
    return util::unexpected(fmt::format(
        "{}: its text is not what its name says (edited after tuning?); a variant is used only "
        "as tuned",
        (m_root / relative).string()));
  }
  return std::move(**text);
}

util::Expected<Lookup> KnowledgeDir::lookup(std::string_view unit, const DeviceId& device) const {
  auto known = list_devices(unit);
  if (!known) return util::unexpected(known.error());
  auto pick = [&](Match match) -> std::optional<DeviceId> {
    for (const DeviceId& id : *known) {
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
  auto root = util::ConfinedDir::open(m_root);
  if (!root) return util::unexpected(root.error());
  return util::LockFile::acquire(*root, ".lock", purpose);
}

WisdomEntries list_wisdom(const fs::path& root, const std::vector<std::string>& units) {
  WisdomEntries out;
  auto dir = util::ConfinedDir::open(root);
  auto entries = dir ? dir->list() : util::Expected<std::vector<util::DirEntry>>({});
  if (!entries) return out;
  for (const util::DirEntry& entry : *entries) {
    if (!is_unit_name(entry.name)) continue;
    if (!units.empty() && std::find(units.begin(), units.end(), entry.name) == units.end())
      continue;
    if (entry.kind == util::EntryKind::symlink) out.files.push_back(root / entry.name);
    if (entry.kind != util::EntryKind::directory) continue;
    out.unit_dirs.push_back(root / entry.name);
    auto unit = dir->find(entry.name);
    auto files = unit && *unit ? (*unit)->list() : util::Expected<std::vector<util::DirEntry>>({});
    if (!files) continue;
    for (const util::DirEntry& file : *files) {
      if (file.kind != util::EntryKind::directory && fs::path(file.name).extension() == ".json")
        out.files.push_back(root / entry.name / file.name);
    }
  }
  return out;
}

}  // namespace kevolve::knowledge
