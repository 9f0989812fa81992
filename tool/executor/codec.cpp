#include "tool/executor/codec.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

namespace kevolve::executor {

namespace {

using util::Json;

// Reads with nlohmann's checked accessors and turns their exceptions into an error naming
// `what`: a worker's file is parsed in one place, and a type error anywhere in it is one answer.
template <typename T, typename Fn>
util::Expected<T> checked(const char* what, Fn&& read) {
  try {
    return read();
  } catch (const Json::exception& e) {
    return util::unexpected(fmt::format("not a {} record: {}", what, e.what()));
  }
}

Json sources_json(const std::vector<backends::SourceFile>& files) {
  Json out = Json::array();
  for (const backends::SourceFile& f : files)
    out.push_back({{"path", f.path.string()}, {"flags", f.flags}});
  return out;
}

std::vector<backends::SourceFile> sources_of(const Json& files) {
  std::vector<backends::SourceFile> out;
  for (const Json& f : files.get_ref<const Json::array_t&>())
    out.push_back({f.at("path").get<std::string>(), f.at("flags").get<std::vector<std::string>>()});
  return out;
}

backends::Backend backend_of(const std::string& name) {
  if (auto b = backends::backend_named(name)) return *b;
  throw Json::other_error::create(501, "unknown backend '" + name + "'", nullptr);
}

std::string path_text(const std::filesystem::path& p) { return p.string(); }

}  // namespace

Json to_json(const backends::CandidateRecipe& r) {
  return {{"unit", r.unit},
          {"backend", std::string(backends::name_of(r.backend))},
          {"gpu_arch", r.gpu_arch},
          {"compiler", r.compiler},
          {"compiler_version", r.compiler_version},
          {"sources", sources_json(r.sources)},
          {"companions", sources_json(r.companions)},
          {"harness_reads_params", r.harness_reads_params},
          {"main_flags", r.main_flags},
          {"link_flags", r.link_flags},
          {"link_origin", r.link_origin},
          {"cache_dir", path_text(r.cache_dir)},
          {"work_dir", path_text(r.work_dir)},
          {"compiler_temp_dir", path_text(r.compiler_temp_dir)},
          {"compile_timeout_ms", r.compile_timeout.count()}};
}

util::Expected<backends::CandidateRecipe> recipe_from(const Json& j) {
  return checked<backends::CandidateRecipe>("recipe", [&] {
    backends::CandidateRecipe r;
    r.unit = j.at("unit").get<std::string>();
    r.backend = backend_of(j.at("backend").get<std::string>());
    r.gpu_arch = j.at("gpu_arch").get<std::string>();
    r.compiler = j.at("compiler").get<std::string>();
    r.compiler_version = j.at("compiler_version").get<std::string>();
    r.sources = sources_of(j.at("sources"));
    r.companions = sources_of(j.at("companions"));
    r.harness_reads_params = j.at("harness_reads_params").get<bool>();
    r.main_flags = j.at("main_flags").get<std::vector<std::string>>();
    r.link_flags = j.at("link_flags").get<std::vector<std::string>>();
    r.link_origin = j.at("link_origin").get<std::string>();
    r.cache_dir = j.at("cache_dir").get<std::string>();
    r.work_dir = j.at("work_dir").get<std::string>();
    r.compiler_temp_dir = j.at("compiler_temp_dir").get<std::string>();
    r.compile_timeout = std::chrono::milliseconds(j.at("compile_timeout_ms").get<long long>());
    return r;
  });
}

Json to_json(const eval::EvalOptions& o) {
  return {{"seeds", o.seeds},
          {"reps", o.reps},
          {"min_time", o.min_time},
          {"gpu_warmup", o.gpu_warmup},
          {"min_timeout_ms", o.min_timeout.count()},
          {"timeout_factor", o.timeout_factor},
          {"hidden", std::vector<std::string>(o.hidden.begin(), o.hidden.end())}};
}

util::Expected<eval::EvalOptions> options_from(const Json& j) {
  return checked<eval::EvalOptions>("evaluation options", [&] {
    eval::EvalOptions o;
    o.seeds = j.at("seeds").get<int>();
    o.reps = j.at("reps").get<int>();
    o.min_time = j.at("min_time").get<double>();
    o.gpu_warmup = j.at("gpu_warmup").get<int>();
    o.min_timeout = std::chrono::milliseconds(j.at("min_timeout_ms").get<long long>());
    o.timeout_factor = j.at("timeout_factor").get<double>();
    for (const std::string& path : j.at("hidden").get<std::vector<std::string>>())
      o.hidden.emplace_back(path);
    return o;
  });
}

Json to_json(const backends::Build& b) {
  return {{"ok", b.ok},
          {"executable", path_text(b.executable)},
          {"log", b.log},
          {"cached", b.cached},
          {"seconds", b.seconds}};
}

util::Expected<backends::Build> build_from(const Json& j) {
  return checked<backends::Build>("build", [&] {
    backends::Build b;
    b.ok = j.at("ok").get<bool>();
    b.executable = j.at("executable").get<std::string>();
    b.log = j.at("log").get<std::string>();
    b.cached = j.at("cached").get<bool>();
    b.seconds = j.at("seconds").get<double>();
    return b;
  });
}

Json to_json(const eval::Measurement& m) {
  return {{"median_s", m.median_s},
          {"min_s", m.min_s},
          {"max_s", m.max_s},
          {"samples", m.samples},
          {"host_median_s", m.host_median_s},
          {"drain_median_s", m.drain_median_s}};
}

util::Expected<eval::Measurement> measurement_of(const Json& j) {
  return checked<eval::Measurement>("measurement", [&] {
    eval::Measurement m;
    m.median_s = j.at("median_s").get<double>();
    m.min_s = j.at("min_s").get<double>();
    m.max_s = j.at("max_s").get<double>();
    m.samples = j.at("samples").get<std::vector<double>>();
    m.host_median_s = j.at("host_median_s").get<double>();
    m.drain_median_s = j.at("drain_median_s").get<double>();
    return m;
  });
}

Json to_json(const eval::Trial& t) {
  Json out = {{"status", std::string(backends::name_of(t.status))},
              {"message", t.message},
              {"phase",
               {{"observed_s", t.phase.observed_s},
                {"phase_s", t.phase.phase_s},
                {"timed_s", t.phase.timed_s},
                {"calls", t.phase.calls}}},
              {"build_s", t.build_s},
              {"run_s", t.run_s},
              {"cached_build", t.cached_build}};
  if (t.time) out["time"] = to_json(*t.time);
  return out;
}

util::Expected<eval::Trial> trial_from(const Json& j) {
  auto trial = checked<eval::Trial>("trial", [&] {
    eval::Trial t;
    if (!backends::parse_status(j.at("status").get<std::string>(), t.status))
      throw Json::other_error::create(501, "unknown status", nullptr);
    t.message = j.at("message").get<std::string>();
    const Json& p = j.at("phase");
    t.phase = {p.at("observed_s").get<double>(), p.at("phase_s").get<double>(),
               p.at("timed_s").get<double>(), p.at("calls").get<long long>()};
    t.build_s = j.at("build_s").get<double>();
    t.run_s = j.at("run_s").get<double>();
    t.cached_build = j.at("cached_build").get<bool>();
    return t;
  });
  if (!trial || !j.contains("time")) return trial;
  auto time = measurement_of(j["time"]);
  if (!time) return util::unexpected(time.error());
  trial->time = std::move(*time);
  return trial;
}

Json to_json(const NodeDevice& n) {
  Json out = backends::to_json(n.device);
  if (n.peaks) out["peaks"] = backends::to_json(*n.peaks);
  return out;
}

util::Expected<NodeDevice> node_device_from(const Json& j) {
  auto device = backends::device_from(j);
  if (!device) return util::unexpected(device.error());
  NodeDevice node{std::move(*device), std::nullopt};
  if (j.contains("peaks")) {
    auto peaks = backends::peaks_from_json(j["peaks"], "the node's peaks");
    if (!peaks) return util::unexpected(peaks.error());
    node.peaks = std::move(*peaks);
  }
  return node;
}

}  // namespace kevolve::executor
