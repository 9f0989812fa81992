// `kevolve tune -B <build>`: search each unit of the build's tuned targets on this machine and
// record the winners in the knowledge directory.

#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/platform.hpp"
#include "backends/sandbox.hpp"
#include "knowledge/store.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/executor_options.hpp"
#include "tool/cli/report.hpp"
#include "tool/cli/table.hpp"
#include "tool/eval/diagnosis.hpp"
#include "tool/llm/cache.hpp"
#include "tool/llm/settings.hpp"
#include "tool/retrieval/passage.hpp"
#include "tool/retrieval/rank.hpp"
#include "tool/search/registry.hpp"
#include "tool/tune/apply.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/noise.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/recipe.hpp"
#include "tool/tune/settings.hpp"
#include "tool/tune/summary.hpp"
#include "tool/tune/tuner.hpp"
#include "tool/tune/workspace.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/json.hpp"
#include "util/log.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

// Passages per prompt, and their text together (docs/retrieval.md).
constexpr std::size_t k_prompt_passages = 3;
constexpr std::size_t k_prompt_passage_bytes = 6000;
using tune::UnitOutcome;

struct TuneOptions {
  std::string build;
  std::string target;
  std::vector<std::string> units;
  std::vector<std::string> harness;
  std::string knowledge;
  std::string configuration;
  tune::TuneFlags flags;  // filled in with the environment and kevolve_tune's (tune/settings.hpp)
  llm::LlmFlags llm;      // with the environment and kevolve_tune's LLM (tool/llm/settings.hpp)
  std::optional<std::uint64_t> llm_budget;
  bool llm_no_cache = false;
  std::uint64_t llm_tokens = 0;  // the tree search's limits (docs/agent.md)
  int llm_stall = 0;
  std::optional<double> target_peak;
  bool dry_run = false;
  bool json = false;
  std::string device;
  ExecutorFlags executor;
};

using Row = tune::SummaryRow;

// Failed evaluations by status, "3 compile_error, 1 timeout", or "-".
std::string failed_text(const std::map<std::string, int>& statuses) {
  std::string out;
  for (const auto& [status, count] : statuses) {
    if (status != "ok" && count > 0)
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", count, status);
  }
  return out.empty() ? "-" : out;
}

void print_summary(const std::vector<Row>& rows) {
  if (rows.empty()) return;  // nothing was tuned: the error or the note says why
  Table table;
  table.add({"unit", "device", "evals", "failures", "defaults", "tuned", "speedup", "of peak",
             "parameters", "result", "wall", "evals/min"});
  for (const Row& r : rows) {
    const UnitOutcome& o = r.outcome;
    std::string defaults = "-", tuned = "-", speedup = "-", params = "-", peak = "-";
    if (o.record) {
      defaults = tune::format_seconds(o.record->baseline_s);
      tuned = tune::format_seconds(o.record->time_s);
      speedup = fmt::format("{:.2f}x [{:.2f}, {:.2f}]", o.record->speedup, o.record->speedup_low,
                            o.record->speedup_high);
      params = tune::params_text_of(o.record->best);
      if (o.record->peak_percent)
        peak = fmt::format("{:.0f}% {}", *o.record->peak_percent, o.record->bound);
    }
    std::string evals = o.state == UnitOutcome::State::up_to_date && o.record
                            ? fmt::format("0 ({})", o.record->evaluations)
                            : std::to_string(o.evaluations);
    std::uint64_t fresh = o.evaluations > o.resumed ? o.evaluations - o.resumed : 0;
    std::string wall = o.seconds > 0 ? fmt::format("{:.0f} s", o.seconds) : "-";
    std::string rate =
        fresh > 0 && o.search_seconds > 0
            ? fmt::format("{:.0f}", 60.0 * static_cast<double>(fresh) / o.search_seconds)
            : "-";
    table.add({r.outcome.unit, r.device, evals, failed_text(o.statuses), defaults, tuned, speedup,
               peak, params, std::string(tune::describe(o.state)), wall, rate});
  }
  table.print(stdout);
}

// The device a unit is tuned on: the one --device names, else the first of the unit's backend.
util::Expected<const backends::Device*> device_for_unit(const backends::Inventory& inventory,
                                                        const analyzers::Unit& unit,
                                                        const std::string& choice) {
  std::string_view backend = tune::backend_of(unit);
  if (!choice.empty()) {
    auto chosen = backends::select_device(inventory, choice);
    if (!chosen) return util::unexpected(chosen.error());
    if (backends::name_of((*chosen)->backend) == backend) return *chosen;
  }
  for (const backends::Device& d : inventory.devices) {
    if (backends::name_of(d.backend) == backend) return &d;
  }
  std::string why;
  for (const backends::Absence& a : inventory.absent) {
    if (backends::name_of(a.backend) == backend) why = a.reason;
  }
  std::string kind = backend == "cuda" ? "CUDA" : backend == "hip" ? "HIP" : "CPU";
  return util::unexpected(
      fmt::format("no {} device here{}: its kernels are not tuned on this "
                  "machine (builds keep using the recorded winners)",
                  kind, why.empty() ? "" : " (" + why + ")"));
}

// The device's measured peaks: recorded ones, else measured now (once per device).
std::optional<backends::Peaks> peaks_for(const backends::Device& device,
                                         const std::string& compiler, tune::Progress& progress) {
  auto known = backends::load_peaks(device);
  if (known && *known) return **known;
  if (!known) progress.note("warning: " + known.error());
  progress.note(
      fmt::format("measuring the peaks of {} (once; kevolve hw --measure)", device.id.str()));
  auto measured = backends::platform_of(device.backend).measure_peaks(device, compiler);
  if (!measured) {
    progress.note("warning: no % of peak: " + measured.error());
    return std::nullopt;
  }
  if (auto saved = backends::save_peaks(device, *measured); !saved)
    progress.note("warning: the peaks are not kept: " + saved.error());
  return *measured;
}

tune::Profiler profiler_for(const backends::CandidateRecipe& recipe, tune::Progress& progress) {
  auto profiler = backends::platform_of(recipe.backend).profiler(recipe);
  if (!profiler) {
    progress.note("--profile: " + profiler.error());
    return {};
  }
  return *profiler;
}

// One `kevolve tune` run: the selected targets' units, each on its device, and their outcomes.
class TuneRun {
 public:
  TuneRun(const TuneOptions& o, const tune::Workspace& ws, const backends::Inventory& inventory,
          executor::Executor& where)
      : m_o(o), m_ws(ws), m_inventory(inventory), m_where(where) {}

  void tune_target(const tune::TargetConfig& config);
  // --unit names units of any of the targets: each must be in one of them.
  void check_units_found() const;

  std::vector<Row> rows;
  std::atomic<bool> failed{false};  // set by units tuned at once (--slurm-units)

 private:
  std::optional<std::vector<std::string>> wanted_units(const analyzers::TargetScan& scan,
                                                       const tune::TargetConfig& config);
  void tune_at_once(const tune::TargetConfig& config,
                    const std::vector<const analyzers::Unit*>& units,
                    const knowledge::KnowledgeDir& knowledge, const tune::TuneSettings& settings,
                    unsigned at_once);
  Row tune_one(const tune::TargetConfig& config, const analyzers::Unit& unit,
               const knowledge::KnowledgeDir& knowledge, const tune::TuneSettings& settings,
               tune::Progress& progress, const tune::VariantSetup* variants);
  std::optional<tune::VariantSetup> llm_setup(const tune::TargetConfig& config);
  std::uint64_t variant_budget() const;
  void print_prompts(const tune::TargetConfig& config, const analyzers::TargetScan& scan,
                     const std::vector<std::string>& wanted);
  void print_plan(const tune::TargetConfig& config, const analyzers::TargetScan& scan,
                  const std::vector<std::string>& wanted, const tune::TuneSettings& settings);
  std::vector<std::string> plan_one(const tune::TargetConfig& config, const analyzers::Unit& unit,
                                    const knowledge::KnowledgeDir& knowledge,
                                    const tune::TuneSettings& settings);

  const TuneOptions& m_o;
  const tune::Workspace& m_ws;
  const backends::Inventory& m_inventory;
  executor::Executor& m_where;
  std::set<std::string> m_found_units;
  std::vector<std::unique_ptr<llm::Provider>> m_providers;
};

// The units of this target to tune; nothing when --unit names none of them.
std::optional<std::vector<std::string>> TuneRun::wanted_units(const analyzers::TargetScan& scan,
                                                              const tune::TargetConfig& config) {
  if (m_o.units.empty()) {
    // kevolve_tune's UNITS: checked here, before anything is built, since only the scan knows
    // a target's units (a configure cannot: docs/cmake.md, "Checks").
    std::vector<std::string> names;
    for (const analyzers::Unit& unit : scan.units) names.push_back(unit.name);
    for (const std::string& u : config.units) {
      if (scan.find(u)) continue;
      auto guess = util::nearest(u, names);
      throw Error(fmt::format(
          "kevolve_tune({}) UNITS names '{}', which is not a unit of {}: {}{}", config.target, u,
          config.target, guess ? fmt::format("did you mean '{}'? ", *guess) : "",
          names.empty() ? std::string("it marks no unit")
                        : fmt::format("its units are {}", fmt::join(names, ", "))));
    }
    return config.units;
  }
  bool any = false;
  for (const std::string& u : m_o.units) {
    if (!scan.find(u)) continue;
    m_found_units.insert(u);
    any = true;
  }
  if (!any) return std::nullopt;
  return m_o.units;
}

void TuneRun::tune_target(const tune::TargetConfig& config) {
  analyzers::TargetScan scan = tune::scan(m_ws, config, m_o.flags.jobs.value_or(0));
  print_problems(scan, m_ws.build.source_dir);
  if (scan.errors() > 0) {
    fmt::print(stderr, "kevolve: target {} has errors in its sources; fix them first\n",
               config.target);
    failed = true;
    return;
  }
  if (scan.units.empty()) {
    fmt::print(stderr, "kevolve: {}\n", tune::no_unit_error(m_ws.build, config.target));
    failed = true;
    return;
  }
  auto wanted = wanted_units(scan, config);
  if (!wanted) return;
  auto resolved = tune::resolve_settings(m_o.flags, config);
  if (!resolved) throw Error(resolved.error());
  for (const auto& [name, origin] : resolved->origins)
    KEVOLVE_LOG("tune: {}: {} from {}", config.target, name, origin);
  auto llm = llm_setup(config);
  if (m_o.dry_run) {
    print_plan(config, scan, *wanted, resolved->settings);
    if (llm && llm->calls > 0) print_prompts(config, scan, *wanted);
    return;
  }
  auto knowledge = knowledge::KnowledgeDir::open_or_create(config.knowledge_dir);
  if (!knowledge) throw Error(knowledge.error());
  auto lock = knowledge->lock(fmt::format("kevolve tune {}", config.target));
  if (!lock) throw Error(lock.error());
  std::vector<const analyzers::Unit*> units;
  for (const analyzers::Unit& unit : scan.units) {
    if (wanted->empty() || std::find(wanted->begin(), wanted->end(), unit.name) != wanted->end())
      units.push_back(&unit);
  }
  const unsigned at_once = llm ? 1 : m_where.units_at_once();
  if (at_once > 1 && units.size() > 1)
    return tune_at_once(config, units, *knowledge, resolved->settings, at_once);
  tune::Progress progress;
  for (const analyzers::Unit* unit : units) {
    if (util::interrupted()) break;
    rows.push_back(
        tune_one(config, *unit, *knowledge, resolved->settings, progress, llm ? &*llm : nullptr));
  }
}

// Several units at once, each with its own progress lines (a cluster's executor: each unit's
// worker on its own node). The rows keep the units' order.
void TuneRun::tune_at_once(const tune::TargetConfig& config,
                           const std::vector<const analyzers::Unit*>& units,
                           const knowledge::KnowledgeDir& knowledge,
                           const tune::TuneSettings& settings, unsigned at_once) {
  std::vector<Row> done(units.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    tune::Progress progress(false, true);
    for (std::size_t i = next++; i < units.size() && !util::interrupted(); i = next++)
      done[i] = tune_one(config, *units[i], knowledge, settings, progress, nullptr);
  };
  std::vector<std::thread> workers;
  for (unsigned k = 0; k < std::min<std::size_t>(at_once, units.size()); ++k)
    workers.emplace_back(work);
  for (std::thread& w : workers) w.join();
  for (Row& r : done)
    if (!r.outcome.unit.empty()) rows.push_back(std::move(r));
}

// The prompts' passages: kevolve's playbook and the project's notes and skills
// (docs/retrieval.md), read once; what could not be read is a warning.
std::function<std::vector<variant::Passage>(const tune::PassageQuery&)> passages_of(
    const std::filesystem::path& knowledge_dir) {
  retrieval::Corpus all = retrieval::load_corpus(knowledge_dir);
  for (const std::string& problem : all.problems)
    fmt::print(stderr, "kevolve: warning: {}\n", problem);
  // The project's own notes and skills first (they know its hardware), then the playbook.
  auto project = std::make_shared<retrieval::Corpus>(),
       playbook = std::make_shared<retrieval::Corpus>();
  for (retrieval::Passage& p : all.passages)
    (p.source == "playbook" ? playbook : project)->passages.push_back(std::move(p));
  return [project, playbook](const tune::PassageQuery& q) {
    std::vector<variant::Passage> out;
    std::size_t bytes = 0;
    retrieval::Query query{q.backend, q.arch, q.bound, q.text};
    for (const auto& corpus : {project, playbook}) {
      for (const retrieval::Retrieved& r : retrieval::retrieve(
               *corpus, query, k_prompt_passages - out.size(), k_prompt_passage_bytes - bytes)) {
        out.push_back({r.passage->id, r.passage->title, r.passage->text});
        bytes += r.passage->text.size();
      }
      if (out.size() >= k_prompt_passages) break;
    }
    return out;
  };
}

// --llm and its settings, resolved (tool/llm/settings.hpp); none when no LLM is asked for.
std::optional<tune::VariantSetup> TuneRun::llm_setup(const tune::TargetConfig& config) {
  std::vector<std::pair<std::string, std::string>> origins;
  auto settings = llm::resolve_llm(m_o.llm, config.llm, &origins);
  if (!settings) throw Error(settings.error());
  for (const auto& [name, origin] : origins)
    KEVOLVE_LOG("tune: {}: {} from {}", config.target, name, origin);
  tune::VariantSetup setup;
  setup.calls = settings->provider.empty() ? 0 : settings->calls;
  setup.budget = variant_budget();
  setup.tokens = m_o.llm_tokens;
  setup.stall = m_o.llm_stall;
  setup.target_peak = m_o.target_peak;
  setup.source_dir = config.source_dir;
  if (m_o.dry_run) return setup;  // nothing is sent: no provider is made
  if (!settings->provider.empty()) {
    auto provider = llm::make_provider(*settings);
    if (!provider) throw Error(provider.error());
    m_providers.push_back(std::move(*provider));
    if (!m_o.llm_no_cache) {  // a repeated prompt is answered from the knowledge directory
      m_providers.push_back(std::make_unique<llm::AnswerCache>(
          *m_providers.back(), knowledge::KnowledgeDir::answers_dir(config.knowledge_dir)));
    }
    setup.provider = m_providers.back().get();
  }
  setup.passages = passages_of(config.knowledge_dir);
  // Without an LLM too: a variant that won before is re-checked and contends again.
  auto request = tune::scan_request(m_ws, config);
  if (!request) throw Error(request.error());
  // One checker a target: later variants of a unit reuse its parse of the file's includes.
  auto checker = std::make_shared<analyzers::VariantChecker>(
      *request, tune::parse_options(m_ws, m_o.flags.jobs.value_or(0)));
  setup.check = [checker](const analyzers::Unit& unit, const analyzers::VariantSource& variant) {
    return checker->check(unit, variant);
  };
  return setup;
}

// --llm-budget, else KEVOLVE_LLM_BUDGET, else 8.
std::uint64_t TuneRun::variant_budget() const {
  if (m_o.llm_budget) return *m_o.llm_budget;
  auto text = util::environment("KEVOLVE_LLM_BUDGET");
  if (!text) return 8;
  auto value = util::parse_int(*text);
  if (!value || *value < 1)
    throw Error(fmt::format("KEVOLVE_LLM_BUDGET: expected a positive number, not '{}'", *text));
  return static_cast<std::uint64_t>(*value);
}

// --dry-run: what each unit's tune would search (docs/cli.md); nothing is built or run. A
// knowledge directory not made yet is read as an empty one, made and removed in /tmp.
void TuneRun::print_plan(const tune::TargetConfig& config, const analyzers::TargetScan& scan,
                         const std::vector<std::string>& wanted,
                         const tune::TuneSettings& settings) {
  std::error_code ec;
  std::filesystem::path empty;
  auto knowledge = knowledge::KnowledgeDir::open(config.knowledge_dir);
  if (!knowledge && !std::filesystem::exists(config.knowledge_dir, ec)) {
    empty = std::filesystem::temp_directory_path() /
            fmt::format("kevolve-dry-run-{:016x}", util::os_random());
    knowledge = knowledge::KnowledgeDir::open_or_create(empty);
  }
  if (!knowledge) throw Error(knowledge.error());
  Table table;
  table.add({"target", "unit", "device", "points", "budget", "strategy", "time limit", "plan"});
  for (const analyzers::Unit& unit : scan.units) {
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), unit.name) != wanted.end())
      table.add(plan_one(config, unit, *knowledge, settings));
  }
  if (!empty.empty()) std::filesystem::remove_all(empty, ec);
  table.print(stdout);
}

std::vector<std::string> TuneRun::plan_one(const tune::TargetConfig& config,
                                           const analyzers::Unit& unit,
                                           const knowledge::KnowledgeDir& knowledge,
                                           const tune::TuneSettings& settings) {
  std::vector<std::string> row{config.target, unit.name, "-", "-", "-", "-", "-", ""};
  auto device = device_for_unit(m_inventory, unit, m_o.device);
  if (!device) return row.back() = "skipped: " + device.error(), row;
  row[2] = (*device)->id.str();
  auto recipe =
      tune::make_recipe(m_ws.build, *m_ws.build.find_target(config.target), unit, **device);
  if (!recipe) return row.back() = "error: " + recipe.error(), row;
  tune::Progress progress;
  tune::TuneContext ctx{knowledge, **device, settings, progress, {}, {}, {}, nullptr};
  ctx.build_type = tune::build_type_of(m_ws.build);
  tune::UnitPlan plan = tune::plan_unit(ctx, unit, *recipe);
  if (!plan.error.empty()) return row.back() = "error: " + plan.error, row;
  if (plan.up_to_date) return row.back() = "up to date (--force searches it again)", row;
  row[3] = std::to_string(plan.points);
  row[4] = std::to_string(plan.budget);
  row[5] = plan.strategy;
  row[6] = settings.time_limit_s > 0 ? fmt::format("{:g} s", settings.time_limit_s) : "none";
  row.back() = plan.rebuilt.empty() ? "search" : "search again: " + plan.rebuilt;
  return row;
}

// --dry-run with --llm: each unit's first prompt, as it would be sent; nothing is sent.
void TuneRun::print_prompts(const tune::TargetConfig& config, const analyzers::TargetScan& scan,
                            const std::vector<std::string>& wanted) {
  auto knowledge = knowledge::KnowledgeDir::open(config.knowledge_dir);
  auto passages = passages_of(config.knowledge_dir);
  for (const analyzers::Unit& unit : scan.units) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), unit.name) == wanted.end())
      continue;
    auto device = device_for_unit(m_inventory, unit, m_o.device);
    std::string backend(tune::backend_of(unit));
    auto context = tune::prompt_context(unit, config.source_dir, backend,
                                        device ? (*device)->name : std::string("(no device here)"));
    if (!context) throw Error(context.error());
    std::optional<knowledge::Wisdom> wisdom;
    if (knowledge && device) {
      auto read = knowledge->read(unit.name, (*device)->id);
      if (read && *read) wisdom = std::move(**read);
    }
    if (wisdom && wisdom->primary()) {
      const knowledge::SizeRecord& r = *wisdom->primary();
      context->best_params = tune::params_text_of(r.best);
      context->best_s = r.time_s;
      context->baseline_s = r.baseline_s;
      context->peak_percent = r.peak_percent;
      context->bound = r.bound;
      context->diagnosis = eval::in_words(r);
      if (eval::latency_bound(
              eval::diagnosis_from(r.extra.value("achieved", util::Json::object()))))
        context->bound = "latency";
    } else {
      context->best_params = tune::params_text_of(tune::defaults_params(unit));
    }
    // The tree's first question: a fresh rewrite of the original (docs/agent.md).
    context->mode = "fresh";
    if (device) {
      const knowledge::DeviceId& id = (*device)->id;
      context->passages = passages(
          {id.backend, id.arch, context->bound, context->kernel_text + "\n" + context->diagnosis});
    }
    variant::ComposedPrompt prompt = variant::compose_prompt(*context);
    fmt::print("=== {}: system ({}) ===\n{}\n=== {}: user ===\n{}\n", unit.name, prompt.hash,
               prompt.prompt.system, unit.name, prompt.prompt.user);
  }
}

Row TuneRun::tune_one(const tune::TargetConfig& config, const analyzers::Unit& unit,
                      const knowledge::KnowledgeDir& knowledge, const tune::TuneSettings& settings,
                      tune::Progress& progress, const tune::VariantSetup* variants) {
  Row row{config.target, "-", {}};
  row.outcome.unit = unit.name;
  auto device = device_for_unit(m_inventory, unit, m_o.device);
  if (!device) {
    // No device of this kind here: nothing to tune on, which is not a failure of the units
    // that can be tuned (an explicit --unit is).
    row.outcome.state = UnitOutcome::State::skipped;
    row.outcome.message = device.error();
    if (!m_o.units.empty()) failed = true;
    return row;
  }
  row.device = (*device)->id.str();
  auto recipe =
      tune::make_recipe(m_ws.build, *m_ws.build.find_target(config.target), unit, **device);
  if (!recipe) {
    row.outcome.message = recipe.error();
    failed = true;
    return row;
  }
  recipe->compile_timeout =
      std::chrono::milliseconds(static_cast<long long>(settings.compile_timeout_s * 1000));
  tune::TuneContext ctx{knowledge, **device, settings, progress, {}, {}, {}, variants, &m_where};
  ctx.build_type = tune::build_type_of(m_ws.build);
  if (!m_where.runs_here()) {
    // The node that evaluates measures the peaks; a profiler would have to run there too.
    if (settings.profile)
      progress.note("--profile: not through the " + std::string(m_where.name()) + " executor");
  } else if (backends::platform_of((*device)->backend).has_peaks()) {
    ctx.peaks = peaks_for(**device, recipe->compiler, progress);
    // The CPU's candidates count their own hardware events (UnitTune asks them).
    if (settings.profile && !backends::platform_of((*device)->backend).counts_in_harness())
      ctx.profiler = profiler_for(*recipe, progress);
  }
  row.outcome = tune::tune_unit(ctx, unit, *recipe);
  if (row.outcome.state == UnitOutcome::State::failed) failed = true;
  return row;
}

void TuneRun::check_units_found() const {
  for (const std::string& u : m_o.units) {
    if (!m_found_units.count(u)) {
      throw Error(fmt::format("no target {}has a unit '{}'",
                              m_o.target.empty() ? "that calls kevolve_tune() " : "selected ", u));
    }
  }
}

void print_messages(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    if (!r.outcome.message.empty() && r.outcome.state != UnitOutcome::State::up_to_date) {
      fmt::print(stderr, "kevolve: {}: {}: {}\n", r.outcome.unit, tune::describe(r.outcome.state),
                 r.outcome.message);
    }
  }
}

int run_tune(const TuneOptions& o) {
  auto ws = tune::open_workspace(o.build, o.configuration);
  if (!ws) throw Error(ws.error());
  tune::TargetSelection selection;
  selection.target = o.target;
  selection.harness.assign(o.harness.begin(), o.harness.end());
  if (!o.knowledge.empty()) selection.knowledge_dir = o.knowledge;
  auto targets = tune::select_targets(*ws, selection);
  if (!targets) throw Error(targets.error());

  util::install_interrupt_handlers();
  std::unique_ptr<executor::Executor> where = make_executor(o.executor, ws->build.build_dir);
  if (!where->where().empty()) fmt::print(stderr, "kevolve: {}\n", where->where());
  auto inventory = where->devices();
  if (!inventory) throw Error(inventory.error());
  if (where->runs_here())
    if (auto load = tune::current_load())
      if (auto busy = tune::load_warning(*load))
        fmt::print(stderr, "kevolve: warning: {}\n", *busy);
  TuneRun run(o, *ws, *inventory, *where);
  for (const tune::TargetConfig& config : *targets) run.tune_target(config);
  run.check_units_found();
  if (o.dry_run) return run.failed ? 1 : 0;
  if (o.json) {
    fmt::print("{}", util::dump_json(tune::summary_json(run.rows)));
  } else {
    print_summary(run.rows);
  }
  print_messages(run.rows);
  if (util::interrupted()) return 130;
  return run.failed ? 1 : 0;
}

}  // namespace

// --llm and the tree search's options (docs/llm.md, docs/agent.md).
void add_llm_options(CLI::App* cmd, const std::shared_ptr<TuneOptions>& o) {
  cmd->add_option("--llm", o->llm.provider,
                  "After the parameter search, ask this LLM provider for code variants "
                  "(docs/llm.md)")
      ->check(CLI::IsMember({"openai", "anthropic", "command"}))
      ->type_name("PROVIDER");
  cmd->add_option("--llm-model", o->llm.model, "The model (default: the provider's)");
  cmd->add_option("--llm-url", o->llm.url, "The server's base URL (default: the provider's)");
  cmd->add_option("--llm-command", o->llm.command,
                  "For --llm command: the program (run by /bin/sh; prompt on stdin, answer on "
                  "stdout)");
  cmd->add_option("--llm-calls", o->llm.calls, "LLM calls per unit (default 3)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--llm-tokens", o->llm_tokens,
                  "Stop asking once the prompts and answers of a unit reach this many tokens "
                  "(default: no limit)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--llm-stall", o->llm_stall,
                  "Stop asking after this many rewrites without a better one (default: no limit)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--target-peak", o->target_peak,
                  "Stop asking once the best reaches this % of the measured peak of its bound "
                  "resource")
      ->check(CLI::Range(1.0, 100.0));
  cmd->add_option("--llm-key-env", o->llm.key_env,
                  "The environment variable that holds the key (default: OPENAI_API_KEY or "
                  "ANTHROPIC_API_KEY)");
  cmd->add_option("--llm-budget", o->llm_budget,
                  "Evaluations of each variant's own space (default 8)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag(
      "--llm-no-cache", o->llm_no_cache,
      "Send every prompt, even one whose answer is kept in <knowledge>/trials/llm-answers");
  cmd->add_flag("--dry-run", o->dry_run,
                "Print what would be searched (each unit's device, space, budget and strategy) "
                "and, with --llm, each unit's first prompt; nothing is built, run or sent");
}

void add_tune_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<TuneOptions>();
  CLI::App* cmd =
      app.add_subcommand("tune", "Search the units of the build's tuned targets on this machine");
  cmd->add_option("-B,--build", o->build, "The CMake build directory")->required();
  cmd->add_option("--target", o->target,
                  "Tune this target (default: every target that calls kevolve_tune)");
  cmd->add_option("--unit", o->units, "Tune only this unit (repeatable)");
  cmd->add_option("--harness", o->harness,
                  "A file with KEVOLVE_BENCH harnesses, besides kevolve_tune's (repeatable)");
  cmd->add_option("--knowledge", o->knowledge,
                  "The knowledge directory (default: kevolve_tune's, or <project>/.kevolve)");
  cmd->add_option("--config", o->configuration,
                  "Multi-config generators: the configuration to tune");
  cmd->add_option("--budget", o->flags.budget,
                  "Evaluations per unit (default: kevolve_tune's BUDGET, else 100)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd->add_option("--time", o->flags.time_s,
                  "Seconds for a unit's whole tune: the search stops early enough to leave the "
                  "final re-timing its share")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--stall", o->flags.stall,
                  "Stop searching a unit after this many evaluations without a better candidate")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  std::string names;
  for (auto n : search::strategy_names()) names += (names.empty() ? "" : ", ") + std::string(n);
  cmd->add_option("--strategy", o->flags.strategy,
                  "Search strategy: " + names +
                      fmt::format(" (default: exhaustive if the space fits the budget, else {})",
                                  search::default_strategy()))
      ->check([](const std::string& s) { return search::check_strategy_name(s); });
  cmd->add_option("-j,--jobs", o->flags.jobs, "Parallel builds (default: one per hardware thread)");
  cmd->add_option("--seed", o->flags.seed, "Seed of the search (default 1)");
  cmd->add_flag("--force", o->flags.force, "Tune even units whose wisdom is up to date");
  cmd->add_option("--timeout", o->flags.timeout_s,
                  "Least seconds a candidate run may take before it is killed (default 15)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--reps", o->flags.reps,
                  "Timed repetitions per measurement (default: 5 on CPUs, 30 on GPUs)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--min-time", o->flags.min_time, "Seconds per timed repetition (default 0.05)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rounds", o->flags.rounds,
                  "Interleaved rounds of the final re-timing (default 5)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--top", o->flags.top, "Candidates re-timed against the defaults (default 3)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--compile-timeout", o->flags.compile_timeout_s,
                  "Seconds a compile or link may take before it is stopped and fails (default 600)")
      ->check(CLI::PositiveNumber);
  cmd->add_option_function<std::string>(
         "--sandbox",
         [o](const std::string& mode) { o->flags.sandbox = backends::parse_sandbox_mode(mode); },
         "Candidates run in a sandbox: required, auto (where it works, else with a warning; the "
         "default), off (docs/sandbox.md)")
      ->check(CLI::IsMember({"required", "auto", "off"}))
      ->type_name("MODE");
  add_llm_options(cmd, o);
  cmd->add_flag(
      "--profile", o->flags.profile,
      "Attach hardware counters to the winner and the defaults (CPU: perf_event_open in the "
      "candidate; CUDA: Nsight Compute, needs ncu)");
  cmd->add_flag("--json", o->json,
                "Print the summary as JSON (docs/cli.md): per unit its state, times, speedup, "
                "parameters and failed evaluations by status");
  add_executor_options(cmd, o->executor);
  cmd->add_option("--device", o->device,
                  "Tune on this device (an id from kevolve hw, or a backend: cuda, hip); default: "
                  "the first of each unit's backend");
  cmd->footer(
      "Each setting comes from its flag, else its KEVOLVE_* environment variable, else "
      "kevolve_tune(), else the default (docs/cli.md, Settings).");
  cmd->callback([o, &action] { action = [o] { return run_tune(*o); }; });
}

}  // namespace kevolve::tool
