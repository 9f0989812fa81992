#include "pool.hpp"

#include "util/files.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

namespace agent_bench {
namespace {

using kevolve::util::Json;

[[noreturn]] void fail(const std::filesystem::path& file, int line, const std::string& what) {
  throw std::runtime_error(line > 0 ? fmt::format("{}:{}: {}", file.string(), line, what)
                                    : fmt::format("{}: {}", file.string(), what));
}

std::string read_text(const std::filesystem::path& file) {
  auto text = kevolve::util::read_file(file);
  if (!text) throw std::runtime_error(text.error());
  return *text;
}

// `"a" "b" !"c"`: the quoted phrases, each marked present or absent.
Trigger parse_trigger(const std::string& spec, const std::filesystem::path& file, int line) {
  Trigger trigger;
  for (std::size_t at = 0; at < spec.size();) {
    if (spec[at] == ' ') {
      ++at;
      continue;
    }
    bool negated = spec[at] == '!';
    std::size_t open = at + (negated ? 1 : 0);
    std::size_t close =
        open < spec.size() && spec[open] == '"' ? spec.find('"', open + 1) : std::string::npos;
    if (close == std::string::npos || close == open + 1)
      fail(file, line, fmt::format("expected a quoted phrase or !\"phrase\" at column {}", at + 1));
    (negated ? trigger.absent : trigger.present).push_back(spec.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  if (trigger.present.empty())
    fail(file, line, "a trigger needs at least one phrase that is present");
  return trigger;
}

// The notes ("//! key: value") and the text without them.
Kernel read_kernel(const std::filesystem::path& file, std::vector<std::string>* points) {
  Kernel kernel;
  kernel.name = file.stem().string();
  std::string code;
  int number = 0;
  std::string text = read_text(file);
  for (std::string_view line : kevolve::util::split(text, '\n')) {
    ++number;
    if (line.substr(0, 3) != "//!") {
      code += std::string(line) + '\n';
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) fail(file, number, "expected \"//! key: value\"");
    std::string key(kevolve::util::trim(line.substr(3, colon - 3)));
    std::string value(kevolve::util::trim(line.substr(colon + 1)));
    if (key == "summary")
      kernel.summary = value;
    else if (key == "bound")
      kernel.bound = value;
    else if (key == "diagnosis")
      kernel.diagnosis = value;
    else if (key == "trigger")
      kernel.triggers.push_back(parse_trigger(value, file, number));
    else if (key == "space" && points) {
      for (std::string_view point : kevolve::util::split(value, ' '))
        if (!point.empty()) points->emplace_back(point);
    } else if (key != "role" && key != "kernel")
      fail(file, number, fmt::format("unknown note '{}'", key));
  }
  std::size_t marker = code.find("KEVOLVE_TUNE(");
  if (marker == std::string::npos) fail(file, 0, "no KEVOLVE_TUNE marker");
  kernel.file_before = code.substr(0, marker);
  kernel.text = code.substr(marker);
  kernel.text.erase(kernel.text.find_last_not_of(" \t\r\n") + 1);
  kernel.text += '\n';
  return kernel;
}

Measured measured_of(const Json& entry, const std::filesystem::path& file) {
  Measured m;
  if (!entry.is_object() || !entry.contains("status")) fail(file, 0, "an entry without a status");
  m.status = entry["status"].get<std::string>();
  if (m.status == "ok") {
    if (!entry.contains("median_s") || !entry["median_s"].is_number())
      fail(file, 0, "an ok entry without median_s");
    m.time_s = entry["median_s"].get<double>();
  }
  if (entry.contains("message")) m.message = entry["message"].get<std::string>();
  return m;
}

void read_measurements(Pool& pool) {
  std::filesystem::path file = pool.dir / "measured.json";
  auto json = kevolve::util::read_json_file(file);
  if (!json) fail(file, 0, json.error() + " (run bench/agent/measure.sh)");
  const Json& doc = *json;
  pool.original.measured = measured_of(doc.at("original"), file);
  if (!pool.original.measured.time_s) fail(file, 0, "the original did not run");
  std::map<std::string, Measured> by_name;
  for (const Json& entry : doc.at("variants"))
    by_name[entry.at("name").get<std::string>()] = measured_of(entry, file);
  for (Kernel& v : pool.variants) {
    auto found = by_name.find(v.name);
    if (found == by_name.end()) fail(file, 0, fmt::format("no measurement of '{}'", v.name));
    v.measured = found->second;
  }
  for (const Json& entry : doc.at("space")) pool.space.push_back(measured_of(entry, file));
  if (pool.space.size() != pool.points.size())
    fail(file, 0, "the space's points differ from original.cpp's (run measure.sh again)");
  pool.measured_on = fmt::format("{}, {}", doc.value("machine", "?"), doc.value("date", "?"));
}

}  // namespace

double Pool::original_best_s() const {
  double best = *original.measured.time_s;
  for (const Measured& m : space)
    if (m.time_s) best = std::min(best, *m.time_s);
  return best;
}

double Pool::best_s() const {
  double best = original_best_s();
  for (const Kernel& v : variants)
    if (v.measured.time_s) best = std::min(best, *v.measured.time_s);
  return best;
}

Pool read_pool(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error(
        fmt::format("no pool {}: a pool is a folder with original.cpp, "
                    "variants/ and measured.json (bench/agent/pools/)",
                    dir.string()));
  Pool pool;
  pool.dir = dir;
  pool.kernel = dir.filename().string();
  pool.original = read_kernel(dir / "original.cpp", &pool.points);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "variants"))
    if (entry.path().extension() == ".cpp") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    pool.variants.push_back(read_kernel(file, nullptr));
    if (pool.variants.back().summary.empty()) fail(file, 0, "a variant needs a //! summary");
  }
  read_measurements(pool);
  kevolve::retrieval::Corpus all = kevolve::retrieval::load_corpus(dir / "kevolve");
  if (!all.problems.empty()) fail(dir / "kevolve", 0, all.problems.front());
  for (kevolve::retrieval::Passage& p : all.passages)
    (p.source == "playbook" ? pool.playbook : pool.project).passages.push_back(std::move(p));
  return pool;
}

bool holds(const Trigger& trigger, const std::string& prompt, const std::string& shown) {
  for (const std::string& phrase : trigger.present)
    if (prompt.find(phrase) == std::string::npos) return false;
  for (const std::string& phrase : trigger.absent)
    if (shown.find(phrase) != std::string::npos) return false;
  return true;
}

}  // namespace agent_bench
