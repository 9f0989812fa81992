#include "tool/report/collect.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

namespace kevolve::report {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_log_ext = ".jsonl";

// The directories of `relative` beneath `root` (or its `.jsonl` files' stems); links and names
// that are not units or device ids are left out.
std::vector<std::string> entries_of(const fs::path& root, const fs::path& relative,
                                    bool directories) {
  std::vector<std::string> out;
  auto top = util::ConfinedDir::open(root);
  if (!top) return out;
  auto dir = top->find(relative);
  if (!dir || !*dir) return out;
  auto listed = (*dir)->list();
  if (!listed) return out;
  for (const util::DirEntry& e : *listed) {
    if (directories && e.kind == util::EntryKind::directory && knowledge::is_unit_name(e.name)) {
      out.push_back(e.name);
    } else if (!directories && e.kind == util::EntryKind::regular &&
               e.name.size() > k_log_ext.size() &&
               e.name.compare(e.name.size() - k_log_ext.size(), k_log_ext.size(), k_log_ext) == 0) {
      std::string stem = e.name.substr(0, e.name.size() - k_log_ext.size());
      if (knowledge::DeviceId::parse(stem)) out.push_back(stem);
    }
  }
  return out;
}

UnitDevice read_one(const knowledge::KnowledgeDir& dir, const std::string& unit,
                    const knowledge::DeviceId& device) {
  UnitDevice out{unit, device.str(), std::nullopt, {}, {}};
  if (auto wisdom = dir.read(unit, device); !wisdom) {
    out.problems.push_back(wisdom.error());
  } else {
    out.wisdom = std::move(*wisdom);
  }
  auto log = knowledge::read_trials(dir.trials_file(unit, device));
  if (!log) {
    out.problems.push_back(log.error());
    return out;
  }
  out.trials = std::move(log->records);
  if (!log->skipped.empty())
    out.problems.push_back(fmt::format("{} trial-log line(s) could not be read, first {}",
                                       log->skipped.size(), log->skipped.front()));
  return out;
}

}  // namespace

util::Expected<std::vector<UnitDevice>> collect(const knowledge::KnowledgeDir& dir,
                                                const std::string& unit) {
  std::set<std::string> units;
  for (std::string& u : dir.units()) units.insert(std::move(u));
  for (std::string& u : entries_of(dir.root(), "trials", true)) units.insert(std::move(u));
  std::vector<UnitDevice> out;
  for (const std::string& u : units) {
    if (!unit.empty() && u != unit) continue;
    std::set<std::string> devices;
    for (const knowledge::DeviceId& d : dir.devices(u)) devices.insert(d.str());
    for (std::string& d : entries_of(dir.root(), fs::path("trials") / u, false))
      devices.insert(std::move(d));
    for (const std::string& d : devices) {
      auto id = knowledge::DeviceId::parse(d);
      if (id) out.push_back(read_one(dir, u, *id));
    }
  }
  if (!unit.empty() && out.empty())
    return util::unexpected(
        fmt::format("{}: no wisdom and no trial log for unit '{}'", dir.root().string(), unit));
  return out;
}

}  // namespace kevolve::report
