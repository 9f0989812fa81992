#include "tool/executor/worker.hpp"

#include "backends/build.hpp"
#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/platform.hpp"
#include "backends/sandbox.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/executor/codec.hpp"
#include "tool/executor/work_dir.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <cmath>
#include <thread>
#include <unistd.h>

namespace kevolve::executor {

namespace fs = std::filesystem;
using util::Json;

namespace {

std::string node_name() {
  if (auto slurm = util::environment("SLURMD_NODENAME")) return *slurm;
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("?");
}

}  // namespace

util::Expected<void> probe_devices(const fs::path& probe_dir) {
  Json devices = Json::array();
  for (backends::Device& d : backends::detect_devices().devices)
    devices.push_back(to_json(NodeDevice{std::move(d), std::nullopt}));
  return util::write_json_file(work_dir::devices_file(probe_dir), devices);
}

// Task `task` of a build array builds requests task, task + stride, ... in turn.
util::Expected<void> build_task(const fs::path& batch_dir, int task, int stride) {
  std::error_code ec;
  for (int i = task; fs::exists(work_dir::build_file(batch_dir, std::to_string(i)), ec);
       i += std::max(1, stride)) {
    const std::string index = std::to_string(i);
    auto request = util::read_json_file(work_dir::build_file(batch_dir, index));
    if (!request) return util::unexpected(request.error());
    auto recipe = recipe_from(request->value("recipe", Json()));
    if (!recipe) return util::unexpected(recipe.error());
    backends::Build built = backends::build_candidate(*recipe, request->value("header", ""),
                                                      request->value("tag", "candidate"));
    if (auto w = util::write_json_file(work_dir::built_file(batch_dir, index), to_json(built)); !w)
      return w;
  }
  return {};
}

namespace {

// The unit's evaluation on this node, prepared as a local tune prepares it.
class UnitServer {
 public:
  explicit UnitServer(fs::path dir) : m_dir(std::move(dir)) {}
  // ready.json either way; an error only when not even that can be written.
  util::Expected<bool> prepare();
  util::Expected<void> serve(std::chrono::seconds idle);

 private:
  util::Expected<Json> ready_record();
  Json answer(const Json& request);
  Json interleaved(const Json& request);

  fs::path m_dir;
  std::unique_ptr<eval::Evaluator> m_evaluator;
  backends::CandidateRecipe m_recipe;
  std::string m_sandbox_warning;
};

// The node's device of the unit's backend (a GPU job sees the one SLURM gave it), its peaks
// as recorded on this node or measured now.
util::Expected<NodeDevice> node_device(const backends::CandidateRecipe& recipe) {
  for (backends::Device& d : backends::detect_devices().devices) {
    if (d.backend != recipe.backend) continue;
    NodeDevice node{std::move(d), std::nullopt};
    const backends::Platform& platform = backends::platform_of(recipe.backend);
    if (!platform.has_peaks()) return node;
    if (auto known = backends::load_peaks(node.device); known && *known) {
      node.peaks = **known;
    } else if (auto measured = platform.measure_peaks(node.device, recipe.compiler); measured) {
      node.peaks = *measured;
      (void)backends::save_peaks(node.device, *measured);
    }
    return node;
  }
  return util::unexpected(fmt::format("this node ({}) has no {} device", node_name(),
                                      backends::name_of(recipe.backend)));
}

util::Expected<Json> UnitServer::ready_record() {
  auto unit = util::read_json_file(work_dir::unit_file(m_dir));
  if (!unit) return util::unexpected(unit.error());
  auto recipe = recipe_from((*unit)["recipe"]);
  if (!recipe) return util::unexpected(recipe.error());
  m_recipe = *recipe;
  auto options = options_from((*unit)["options"]);
  if (!options) return util::unexpected(options.error());
  auto mode = backends::parse_sandbox_mode(unit->value("sandbox", "auto"));
  if (!mode) return util::unexpected(std::string("unknown sandbox mode"));
  auto sandbox = backends::choose_sandbox(*mode, backends::sandbox_support());
  if (!sandbox) return util::unexpected(sandbox.error());
  options->sandbox = *sandbox;
  auto device = node_device(m_recipe);
  if (!device) return util::unexpected(device.error());
  m_evaluator = std::make_unique<eval::Evaluator>(m_recipe, *options);
  if (auto prepared = m_evaluator->prepare(); !prepared) return util::unexpected(prepared.error());
  std::vector<std::string> warnings = m_evaluator->warnings();
  if (!sandbox->warning().empty()) warnings.insert(warnings.begin(), sandbox->warning());
  return Json{{"ok", true},
              {"node", node_name()},
              {"device", to_json(*device)},
              {"description", to_json(m_evaluator->description())},
              {"baseline", to_json(m_evaluator->baseline())},
              {"session_seconds", m_evaluator->session_seconds()},
              {"baseline_executable", m_evaluator->baseline_executable().string()},
              {"warnings", warnings}};
}

util::Expected<bool> UnitServer::prepare() {
  auto record = ready_record();
  Json ready =
      record ? *record : Json{{"ok", false}, {"node", node_name()}, {"error", record.error()}};
  if (auto written = util::write_json_file(work_dir::ready_file(m_dir), ready); !written)
    return util::unexpected(written.error());
  return record.has_value();
}

Json UnitServer::interleaved(const Json& request) {
  std::vector<fs::path> executables;
  for (const Json& e : request.value("executables", Json::array()))
    if (e.is_string()) executables.emplace_back(e.get<std::string>());
  auto medians = m_evaluator->interleaved(executables, request.value("rounds", 1),
                                          request.value("seed", std::uint64_t{1}));
  Json rows = Json::array();
  for (const std::vector<double>& row : medians) {
    Json r = Json::array();
    for (double m : row) r.push_back(std::isnan(m) ? Json() : Json(m));
    rows.push_back(r);
  }
  return {{"medians", rows}};
}

Json UnitServer::answer(const Json& request) {
  const std::string kind = request.value("kind", "");
  if (kind == "evaluate") {
    auto build = build_from(request.value("build", Json()));
    if (!build) return {{"error", build.error()}};
    return to_json(m_evaluator->evaluate(*build, request.value("tag", "candidate")));
  }
  if (kind == "reverify") return to_json(m_evaluator->reverify(request.value("executable", "")));
  if (kind == "interleaved") return interleaved(request);
  if (kind == "counters") {
    auto counted = m_evaluator->counters(request.value("executable", ""));
    if (!counted) return {{"error", counted.error()}};
    return {{"counters", backends::cpu::to_json(*counted)}};
  }
  return {{"error", fmt::format("unknown request '{}'", kind)}};
}

util::Expected<void> UnitServer::serve(std::chrono::seconds idle) {
  auto last = std::chrono::steady_clock::now();
  for (long n = 0;;) {
    std::error_code ec;
    if (!fs::exists(work_dir::unit_file(m_dir), ec)) return {};  // the tune cleaned up
    if (util::interrupted()) return util::unexpected(std::string("interrupted"));
    auto request = fs::exists(work_dir::request_file(m_dir, n), ec)
                       ? util::read_json_file(work_dir::request_file(m_dir, n))
                       : util::Expected<Json>(util::unexpected(std::string()));
    if (!request) {
      if (!request.error().empty()) return util::unexpected(request.error());
      if (std::chrono::steady_clock::now() - last > idle) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (request->value("kind", "") == "stop") return {};
    if (auto written = util::write_json_file(work_dir::answer_file(m_dir, n), answer(*request));
        !written)
      return util::unexpected(written.error());
    last = std::chrono::steady_clock::now();
    ++n;
  }
}

}  // namespace

util::Expected<void> serve_unit(const fs::path& unit_dir, std::chrono::seconds idle) {
  if (auto made = util::ensure_directory(unit_dir / "answers"); !made)
    return util::unexpected(made.error());
  UnitServer server(unit_dir);
  auto prepared = server.prepare();
  if (!prepared) return util::unexpected(prepared.error());
  if (!*prepared) return {};  // ready.json says why
  return server.serve(idle);
}

}  // namespace kevolve::executor
