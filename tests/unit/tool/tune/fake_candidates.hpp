#pragma once

// Test doubles for the tuning stages: a unit and its space from a space string, and a
// CandidateEvaluator whose candidates take a time chosen per point, answering in microseconds.

#include "analyzers/scan.hpp"
#include "space/parser.hpp"
#include "space/space.hpp"
#include "tool/tune/candidates.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kevolve::test {

// A unit named `name` whose parameters take the given defaults (in declaration order).
inline analyzers::Unit unit_with(const std::string& name, const std::string& space_text,
                                 const std::vector<std::int64_t>& defaults) {
  analyzers::Unit unit;
  unit.name = name;
  unit.space = space_text;
  unit.hash = "hash-" + name;
  auto spec = space::parse_space(space_text);
  for (std::size_t i = 0; i < spec->parameters.size(); ++i) {
    analyzers::Param p{spec->parameters[i].name, spec->parameters[i].values, {}, {}, {}};
    if (i < defaults.size()) {
      p.default_text = std::to_string(defaults[i]);
      p.default_value = space::Value(defaults[i]);
    }
    unit.params.push_back(std::move(p));
  }
  return unit;
}

inline space::Space space_of(const std::string& text) {
  return std::move(*space::Space::build(std::move(*space::parse_space(text)), {}));
}

// Candidates are headers; a header's "time" is what `time_of` says of it (NaN: it fails).
class FakeCandidates final : public tune::CandidateEvaluator {
 public:
  using TimeOf = std::function<double(const std::string& header)>;
  explicit FakeCandidates(TimeOf time_of) : m_time_of(std::move(time_of)) {}
  void time_with(TimeOf time_of) { m_time_of = std::move(time_of); }

  backends::Build build(const std::string& header, const std::string&) const override {
    std::lock_guard lock(m_mutex);
    backends::Build b;
    b.ok = !m_unbuildable.count(header) && build_log_of(header).empty();
    if (!b.ok) b.log = m_unbuildable.count(header) ? "error: does not build" : build_log_of(header);
    b.executable = "exe" + std::to_string(m_headers.size());
    m_headers.push_back(header);
    return b;
  }
  eval::Trial evaluate(const backends::Build& build, const std::string&) override {
    ++evaluations;
    eval::Trial t;
    if (!build.ok) {
      t.status = backends::Status::compile_error;
      t.message = build.log;
      return t;
    }
    double time = m_time_of(header_of(build.executable));
    if (std::isnan(time)) {
      t.status = backends::Status::wrong_result;
      t.message = "differs";
      return t;
    }
    t.status = backends::Status::ok;
    t.time = eval::Measurement{time, time, time, {time}};
    return t;
  }
  std::vector<std::vector<double>> interleaved(const std::vector<std::filesystem::path>& exes,
                                               int rounds, std::uint64_t) override {
    std::vector<std::vector<double>> out;
    for (std::size_t i = 0; i < exes.size(); ++i) {
      std::vector<double> times;
      for (int r = 0; r < rounds; ++r) times.push_back(round_time(exes[i], r));
      out.push_back(times);
    }
    return out;
  }
  eval::Trial reverify(const std::filesystem::path& exe) override {
    eval::Trial t;
    t.status = m_fails_reverify.count(header_of(exe)) ? backends::Status::wrong_result
                                                       : backends::Status::ok;
    return t;
  }
  // What a counted executable was built from, so that tests see who was counted.
  util::Expected<util::Json> counters(const std::filesystem::path& exe) override {
    if (exe == m_baseline) return util::Json{{"header", "defaults"}};
    return util::Json{{"header", header_of(exe)}};
  }
  const std::filesystem::path& baseline_executable() const override { return m_baseline; }
  backends::Build rebuild_defaults() override {
    ++rebuilds;
    backends::Build b;
    b.ok = defaults_log.empty();
    b.log = defaults_log;
    return b;
  }

  // Per-round times of the re-timing: by default every round is the candidate's time.
  std::function<double(const std::string& header, int round)> round_time_of;
  std::set<std::string> m_unbuildable;
  std::set<std::string> m_fails_reverify;
  double baseline_time = 1.0;
  int evaluations = 0;
  // What a candidate's failed build prints ("" : it builds); and the defaults' when rebuilt.
  std::function<std::string(const std::string& header)> build_log_of = [](const std::string&) {
    return std::string();
  };
  std::string defaults_log;
  int rebuilds = 0;

 private:
  std::string header_of(const std::filesystem::path& exe) const {
    std::lock_guard lock(m_mutex);
    return m_headers.at(std::stoul(exe.string().substr(3)));
  }
  double round_time(const std::filesystem::path& exe, int round) const {
    if (exe == m_baseline) return baseline_time;
    std::string header = header_of(exe);
    return round_time_of ? round_time_of(header, round) : m_time_of(header);
  }

  TimeOf m_time_of;
  std::filesystem::path m_baseline = "defaults";
  mutable std::mutex m_mutex;
  mutable std::vector<std::string> m_headers;
};

// The value injected for NAME in a candidate header ("#define KEVOLVE_TUNED_u_NAME ~, 4").
inline std::int64_t injected(const std::string& header, const std::string& name) {
  auto at = header.find("_" + name + " ~, ");
  return at == std::string::npos ? -1 : std::stoll(header.substr(at + name.size() + 5));
}

}  // namespace kevolve::test
