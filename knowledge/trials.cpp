#include "knowledge/trials.hpp"

#include "knowledge/schema.hpp"
#include "util/files.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace kevolve::knowledge {

namespace fs = std::filesystem;
using util::Json;

util::Json to_json(const TrialRecord& t) {
  Json out = Json::object();
  out["schema"] = k_schema;
  if (!t.id.empty()) out["id"] = t.id;
  out["unit"] = t.unit;
  out["source_hash"] = t.source_hash;
  out["device_id"] = t.device_id;
  if (!t.build.empty()) out["build"] = t.build;
  Json problem = Json::object();
  for (const auto& [name, value] : t.problem) problem[name] = value;
  out["problem"] = std::move(problem);
  out["params"] = params_json(t.params);
  out["status"] = t.status;
  out["time_s"] = t.time_s ? Json(*t.time_s) : Json(nullptr);
  out["spread"] = t.spread ? Json(*t.spread) : Json(nullptr);
  if (t.build_s) out["build_s"] = *t.build_s;
  if (t.run_s) out["run_s"] = *t.run_s;
  out["message"] = t.message;
  out["strategy"] = t.strategy;
  out["date"] = t.date;
  if (!t.diagnosis.empty()) out["diagnosis"] = t.diagnosis;
  if (!t.variant.empty()) out["variant"] = t.variant;
  if (!t.llm.empty()) out["llm"] = t.llm;
  return out;
}

std::optional<TrialRecord> trial_from_json(const Json& j) {
  if (!j.is_object() || j.value("schema", 0) > k_schema) return std::nullopt;
  TrialRecord t;
  try {
    t.id = j.value("id", "");
    t.unit = j.at("unit").get<std::string>();
    t.source_hash = j.at("source_hash").get<std::string>();
    t.device_id = j.at("device_id").get<std::string>();
    t.build = j.value("build", "");
    for (const auto& [name, value] : j.at("problem").items())
      t.problem.emplace_back(name, value.get<std::int64_t>());
    for (const auto& [name, value] : j.at("params").items()) {
      if (value.is_number_integer()) {
        t.params.emplace_back(name, space::Value(value.get<std::int64_t>()));
      } else {
        t.params.emplace_back(name, space::Value(value.get<std::string>()));
      }
    }
    t.status = j.at("status").get<std::string>();
    if (j.contains("time_s") && j["time_s"].is_number()) t.time_s = j["time_s"].get<double>();
    if (j.contains("spread") && j["spread"].is_number()) t.spread = j["spread"].get<double>();
    if (j.contains("build_s") && j["build_s"].is_number()) t.build_s = j["build_s"].get<double>();
    if (j.contains("run_s") && j["run_s"].is_number()) t.run_s = j["run_s"].get<double>();
    t.message = j.value("message", "");
    t.strategy = j.value("strategy", "");
    t.date = j.value("date", "");
    if (j.contains("diagnosis") && j["diagnosis"].is_object()) t.diagnosis = j["diagnosis"];
    t.variant = j.value("variant", "");
    if (j.contains("llm") && j["llm"].is_object()) t.llm = j["llm"];
  } catch (const Json::exception&) {
    return std::nullopt;
  }
  return t;
}

std::string new_trial_id() {
  static std::atomic<unsigned long> counter{0};
  std::string now = util::now_utc();  // 2026-11-21T22:00:32Z
  now.erase(std::remove_if(now.begin(), now.end(), [](char c) { return c == '-' || c == ':'; }),
            now.end());
  return fmt::format("{}-{}-{}", now, ::getpid(), counter++);
}

TrialLog parse_trials(std::string_view text, std::string_view origin) {
  TrialLog log;
  auto lines = util::split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (util::trim(lines[i]).empty()) continue;
    auto json = util::parse_json(lines[i], origin);
    std::optional<TrialRecord> record = json ? trial_from_json(*json) : std::nullopt;
    if (record) {
      log.records.push_back(std::move(*record));
    } else {
      log.skipped.push_back(fmt::format("{}:{}", origin, i + 1));
    }
  }
  return log;
}

util::Expected<TrialLog> read_trials(const util::PathBeneath& file) {
  auto root = util::ConfinedDir::open(file.root);
  if (!root) return util::unexpected(root.error());
  auto text = root->read(file.relative, k_max_trial_log_bytes);
  if (!text) return util::unexpected(text.error());
  if (!*text) return TrialLog{};
  return parse_trials(**text, file.path().string());
}

util::Expected<void> append_trial(const util::PathBeneath& file, const TrialRecord& record) {
  auto root = util::ConfinedDir::open(file.root);
  if (!root) return util::unexpected(root.error());
  auto dir = root->make(file.relative.parent_path());
  if (!dir)
    return util::unexpected(fmt::format("cannot write {}: {}", file.path().string(), dir.error()));
  std::string line = to_json(record).dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  auto opened = dir->open_file(file.relative.filename().string(), O_RDWR | O_CREAT | O_APPEND);
  if (!opened) return util::unexpected(fmt::format("cannot write {}", opened.error()));
  int fd = opened->get();
  // A line that an earlier kill cut short must not swallow this one: start on a fresh line.
  off_t size = ::lseek(fd, 0, SEEK_END);
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n') line = "\n" + line;
  ssize_t written = ::write(fd, line.data(), line.size());
  int error = errno;
  ::fdatasync(fd);
  if (written != static_cast<ssize_t>(line.size())) {
    return util::unexpected(
        fmt::format("cannot write {}: {}", file.path().string(), std::strerror(error)));
  }
  return {};
}

}  // namespace kevolve::knowledge
