#include "tool/tune/variants.hpp"

#include "backends/platform.hpp"
#include "knowledge/trials.hpp"
#include "tool/agent/context.hpp"
#include "tool/eval/diagnosis.hpp"
#include "tool/search/registry.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/record.hpp"
#include "tool/tune/resume.hpp"
#include "tool/tune/search_loop.hpp"
#include "tool/variant/answer.hpp"
#include "tool/variant/splice.hpp"
#include "util/interrupt.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <dtl/dtl.hpp>

namespace kevolve::tune {

namespace fs = std::filesystem;
using Json = util::Json;

namespace {

std::string unqualified(const std::string& name) {
  auto colons = name.rfind("::");
  return colons == std::string::npos ? name : name.substr(colons + 2);
}

std::string format_params(const knowledge::ParamValues& params) {
  std::string out;
  for (const auto& [name, value] : params)
    out += (out.empty() ? "" : ", ") + name + "=" + value.to_string();
  return out.empty() ? "(no parameters)" : out;
}

// As much of a message as a progress line holds (the prompt trims attempts itself).
std::string trimmed(const std::string& text, std::size_t max) {
  std::string t(util::trim(text));
  return t.size() > max ? t.substr(0, max) + " [...]" : t;
}

}  // namespace

util::Expected<variant::PromptContext> prompt_context(const analyzers::Unit& unit,
                                                      const fs::path& source_dir,
                                                      std::string backend, std::string device) {
  const analyzers::AnnotatedFunction& k = unit.kernel;
  auto source = util::read_file(k.name.file);
  if (!source) return util::unexpected(source.error());
  if (k.end > source->size() || k.begin > k.end) {
    return util::unexpected(
        fmt::format("{}: changed since it was scanned; run the tune again", k.name.file));
  }
  variant::PromptContext c;
  c.unit = unit.name;
  c.backend = std::move(backend);
  c.device = std::move(device);
  c.kernel_name = unqualified(k.function);
  c.kernel_file = util::relative_to(k.name.file, source_dir);
  c.kernel_text = source->substr(k.begin, k.end - k.begin);
  c.file_before = source->substr(0, k.begin);
  c.file_after = source->substr(k.end);
  if (unit.harness) {
    auto harness = util::read_file(unit.harness->file);
    if (!harness) return util::unexpected(harness.error());
    c.harness_file = util::relative_to(unit.harness->file, source_dir);
    c.harness_text = std::move(*harness);
  }
  c.space = unit.space;
  return c;
}

util::Expected<void> VariantStage::run(Standing standing,
                                       const std::optional<knowledge::VariantRef>& previous) {
  const analyzers::Unit& unit = m_in.unit;
  const fs::path kernel_file = unit.kernel.name.file;
  const auto& sources = m_in.recipe.sources;
  if (std::none_of(sources.begin(), sources.end(),
                   [&](const backends::SourceFile& s) { return s.path == kernel_file; })) {
    m_in.progress.note(fmt::format(
        "no LLM variants: {} is not a source file compiled with the unit (a kernel in a header "
        "cannot be replaced yet)",
        kernel_file.string()));
    return {};
  }
  m_baseline_s = standing.baseline_s;
  auto base = prompt_context(unit, m_setup.source_dir,
                             std::string(backends::name_of(m_in.device.backend)), m_in.device.name);
  if (!base) return util::unexpected(base.error());
  agent::Result root;
  root.status = "ok";
  root.time_s = standing.best_s;
  root.params = standing.params;
  std::optional<backends::cpu::Counters> counters;
  if (m_setup.provider && m_setup.calls > 0) {  // only prompts read them
    EvaluatorCandidates original(m_in.evaluator, m_in.recipe);
    counters = counters_of(original, candidate_header(unit, standing.best));
  }
  m_tree.finish(0, "", diagnosed(root, counters));
  m_code.push_back(base->kernel_text);
  if (previous) {
    if (auto recalled = recall(*previous); !recalled) return recalled;
  }
  if (!m_setup.provider || m_setup.calls == 0) return {};
  if (auto replayed = replay(); !replayed) return replayed;
  return expand(*base);
}

// The tree's loop: one call in flight while the answer before it is checked and searched.
util::Expected<void> VariantStage::expand(const variant::PromptContext& base) {
  util::Rng rng(m_in.seed);
  std::optional<Call> next;
  const auto launch = [&]() -> util::Expected<bool> {
    if (stop_reason()) return false;
    agent::Expansion e = agent::choose(m_tree, m_setup.policy, rng);
    if (e.mode != agent::Mode::params) {
      Call call = start(e, base);
      // The same prompt again (nothing changed since it was asked) would get the same answer,
      // or the answer cache's: wait for what is in flight, or stop when nothing is.
      if (!m_asked.insert(call.prompt.hash).second) {
        m_repeated = true;
        return false;
      }
      m_repeated = false;
      launch_call(call);
      next.emplace(std::move(call));
      return true;
    }
    if (m_tree.node(e.node).in_flight > 0) return false;  // after the call in flight
    if (auto deepened = deepen(e.node); !deepened) return util::unexpected(deepened.error());
    return true;
  };
  while (!m_refused && !util::interrupted()) {
    if (!next) {
      auto launched = launch();
      if (!launched) return util::unexpected(launched.error());
      if (!next && !*launched) break;
      if (!next) continue;
    }
    Call call = std::move(*next);
    next.reset();
    call.reply.wait();
    if (!m_refused && !util::interrupted()) {
      if (auto launched = launch(); !launched) return util::unexpected(launched.error());
    }
    auto result = answer(call);
    if (!result) return util::unexpected(result.error());
    m_tree.finish(call.node, call.variant, std::move(*result));
  }
  if (auto reason = stop_reason()) {
    m_in.progress.note("variants: " + *reason);
  } else if (m_repeated) {
    m_in.progress.note("variants: the next prompt would repeat an earlier one: nothing new to ask");
  }
  if (next) {  // paid for: its answer is kept (the answer cache) and its node searched
    next->reply.wait();
    auto result = answer(*next);
    if (!result) return util::unexpected(result.error());
    m_tree.finish(next->node, next->variant, std::move(*result));
  }
  return {};
}

// The prompt for an expansion (not sent yet: launch_call sends it).
VariantStage::Call VariantStage::start(const agent::Expansion& expansion,
                                       const variant::PromptContext& base) {
  Call call;
  call.expansion = expansion;
  const agent::Node& from = m_tree.node(expansion.mode == agent::Mode::fresh ? 0 : expansion.node);
  call.from = from.id == 0 ? "the original" : "variant " + from.variant.substr(0, 8);
  variant::PromptContext with = base;
  if (m_setup.passages) {
    const knowledge::DeviceId& device = m_in.device.id;
    with.passages = m_setup.passages(
        {device.backend, device.arch, from.result.bound,
         m_code[static_cast<std::size_t>(from.id)] + "\n" + from.result.diagnosis});
    for (const variant::Passage& p : with.passages) call.passages.push_back(p.id);
  }
  variant::PromptContext context =
      agent::context_for(m_tree, expansion, std::move(with),
                         [&](int id) { return m_code[static_cast<std::size_t>(id)]; });
  call.prompt = variant::compose_prompt(context);
  return call;
}

// The call goes out: its node is added (pending) and counted, the provider asked on a thread.
void VariantStage::launch_call(Call& call) {
  const agent::Expansion& e = call.expansion;
  call.node = m_tree.add(e.node, e.mode, e.partner);
  m_code.emplace_back();
  ++m_spent.calls;
  m_in.progress.note(fmt::format("asking {} for a variant ({} of {}: {} from {})",
                                 m_setup.provider->describe(), m_spent.calls, m_setup.calls,
                                 agent::name_of(e.mode), call.from));
  llm::Provider* provider = m_setup.provider;
  llm::Prompt prompt = call.prompt.prompt;
  call.reply =
      std::async(std::launch::async, [provider, prompt] { return provider->complete(prompt); });
}

// The call's answer read, checked and searched: the node's result.
util::Expected<agent::Result> VariantStage::answer(Call& call) {
  auto reply = call.reply.get();
  util::Json llm = llm_json(call, reply ? &*reply : nullptr);
  if (reply) m_spent.tokens += reply->usage.prompt_tokens + reply->usage.answer_tokens;
  if (!reply) {
    // A refused key stays refused: the other calls would fail alike (tool/llm/remote.cpp).
    m_refused = reply.error().find("refused the key") != std::string::npos;
    call.variant = "call-" + knowledge::variant_hash(call.prompt.hash);
    return reject(call.variant, reply.error(), llm, "", "llm_error");
  }
  const std::string kernel_name = unqualified(m_in.unit.kernel.function);
  auto parsed = variant::parse_answer(reply->text, kernel_name);
  if (!parsed) {
    call.variant = "answer-" + knowledge::variant_hash(reply->text);
    return reject(call.variant, parsed.error(), llm, "");
  }
  const std::string hash = knowledge::variant_hash(parsed->code);
  call.variant = hash;
  if (find(hash)) {
    return reject(hash, "the same variant as an earlier one of this tune (searched once)", llm,
                  parsed->explanation, "duplicate");
  }
  std::string rejection;
  auto run = splice_and_check(parsed->code, rejection);
  if (!run) return util::unexpected(run.error());
  if (!rejection.empty()) return reject(hash, rejection, llm, parsed->explanation);
  VariantRun& r = **run;
  r.ref.provider = std::string(m_setup.provider->name());
  r.ref.model = llm.value("model", "");
  r.ref.prompt_hash = call.prompt.hash;
  r.ref.prompt_tokens = reply->usage.prompt_tokens;
  r.ref.answer_tokens = reply->usage.answer_tokens;
  m_code[static_cast<std::size_t>(call.node)] = parsed->code;
  m_runs.push_back(std::move(*run));
  auto result = search(r, llm, parsed->explanation, m_setup.budget);
  if (result) result->explanation = parsed->explanation;
  return result;
}

// A variant that never ran: one trial-log line says why, and the prompts of its siblings show it.
util::Expected<agent::Result> VariantStage::reject(const std::string& hash,
                                                   const std::string& reason, const Json& llm,
                                                   const std::string& explanation,
                                                   const std::string& status) {
  bool failed_call = status == "llm_error";
  m_in.progress.note(
      fmt::format("variant {}: {}", failed_call ? "call failed" : status, trimmed(reason, 300)));
  knowledge::TrialRecord line = key_of(hash).record({}, "llm");
  line.status = status;
  line.message = reason;
  line.llm = llm;
  if (auto appended = knowledge::append_trial(m_in.log_file, line); !appended)
    return util::unexpected(appended.error());
  agent::Result result;
  result.status = status;
  result.message = reason;
  result.explanation = explanation;
  return result;
}

TrialKey VariantStage::key_of(const std::string& hash) const {
  TrialKey key = m_in.key;
  key.variant = hash;
  return key;
}

const VariantRun* VariantStage::find(const std::string& hash) const {
  for (const auto& r : m_runs) {
    if (r->ref.hash == hash) return r.get();
  }
  return nullptr;
}

util::Expected<std::unique_ptr<VariantRun>> VariantStage::splice_and_check(const std::string& code,
                                                                           std::string& rejection) {
  const analyzers::Unit& unit = m_in.unit;
  const fs::path kernel_file = unit.kernel.name.file;
  std::string ext = kernel_file.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  if (!knowledge::is_variant_ext(ext)) {
    rejection =
        fmt::format("{}: variants of .{} files are not supported", kernel_file.string(), ext);
    return std::unique_ptr<VariantRun>();
  }
  // The text is kept (git-ignored) before anything else, so that a failure can be read.
  auto kept = m_in.knowledge.write_variant(unit.name, code, ext,
                                           knowledge::KnowledgeDir::VariantPlace::trials);
  if (!kept) return util::unexpected(kept.error());
  auto source = util::read_file(kernel_file);
  if (!source) return util::unexpected(source.error());
  const std::string path_text = kernel_file.string(), kept_text = kept->string();
  variant::Spliced spliced =
      variant::splice({*source, unit.kernel.begin, unit.kernel.end, code, path_text, kept_text});
  auto run = std::make_unique<VariantRun>();
  run->ref.hash = knowledge::variant_hash(code);
  run->ref.ext = ext;
  run->ref.parent = unit.kernel_hash;
  run->code = code;
  fs::path patched = m_in.recipe.work_dir / "variants" / run->ref.hash / kernel_file.filename();
  std::error_code ec;
  fs::create_directories(patched.parent_path(), ec);
  if (auto written = util::write_file_atomically(patched, spliced.text); !written)
    return util::unexpected(written.error());
  analyzers::VariantCheck check =
      m_setup.check(unit, {patched, spliced.code_begin, spliced.code_end});
  if (!check.rejections.empty() || !check.unit) {
    rejection = check.rejections.empty() ? "the checks found no unit in the variant"
                                         : fmt::format("{}", fmt::join(check.rejections, "; "));
    return std::unique_ptr<VariantRun>();
  }
  auto space = unit_space(*check.unit, &m_in.device.facts);
  if (!space) {
    rejection = "its space: " + space.error();
    return std::unique_ptr<VariantRun>();
  }
  run->ref.space = check.unit->space;
  run->unit = std::move(*check.unit);
  run->space = std::make_unique<space::Space>(std::move(*space));
  run->recipe = m_in.recipe;
  for (backends::SourceFile& s : run->recipe.sources) {
    if (s.path == kernel_file) s.path = patched;
  }
  run->candidates =
      std::make_unique<EvaluatorCandidates>(m_in.evaluator, m_in.recipe, &run->recipe);
  return run;
}

util::Expected<agent::Result> VariantStage::search(VariantRun& run, const Json& llm,
                                                   const std::string& explanation,
                                                   std::uint64_t budget) {
  const space::Space& space = *run.space;
  TrialKey key = key_of(run.ref.hash);
  auto log = knowledge::read_trials(m_in.log_file);
  if (!log) return util::unexpected(log.error());
  run.history = resume(log->records, key, space);
  std::string strategy_name = search::strategy_for(space.size(), budget);
  auto strategy =
      search::make_strategy(strategy_name, space, m_in.seed, defaults_point(space, run.unit));
  if (!strategy) return util::unexpected(strategy.error());
  for (const Evaluated& e : run.history.all()) (*strategy)->observe({e.point, e.ok(), e.time_s});

  SearchLimits limits;
  limits.budget = std::min<std::uint64_t>(budget, space.size());
  limits.jobs = m_in.jobs;
  limits.evaluate_while_building = m_in.evaluate_while_building;
  SearchLoop loop(
      **strategy, *run.candidates,
      [&](const space::Point& p) { return candidate_header(run.unit, params_of(space, p)); },
      limits);
  bool first = run.history.size() == 0;
  std::string failure;
  auto record = [&](const space::Point& p, const eval::Trial& trial,
                    Blame blame) -> util::Expected<std::string> {
    knowledge::TrialRecord line = trial_line(key, params_of(space, p), strategy_name, trial, blame,
                                             m_in.described, m_in.peaks);
    if (first) line.llm = llm;
    first = false;
    if (trial.status != backends::Status::ok && failure.empty())
      failure = fmt::format("{}: {}", backends::name_of(trial.status), trial.message);
    if (auto appended = knowledge::append_trial(m_in.log_file, line); !appended)
      return util::unexpected(appended.error());
    ++m_evaluations;
    ++m_spent.evaluations;
    return line.id;
  };
  const std::string label = fmt::format("{} variant {}", m_in.unit.name, run.ref.hash.substr(0, 8));
  m_in.progress.start(label, limits.budget, run.history.size(), m_baseline_s);
  auto searched = loop.run(run.history, record, m_in.progress, SearchLoop::Clock::now());
  m_in.progress.finish();
  m_in.progress.begin(m_in.unit.name);
  if (!searched) return util::unexpected(searched.error());
  if (searched->stop == SearchStop::environment) return util::unexpected(searched->environment);

  agent::Result result;
  result.explanation = explanation;
  auto best = run.history.fastest(1, std::nullopt);
  if (best.empty()) {
    result.status = "failed";
    result.message = failure.empty() ? "no evaluation ran correctly" : failure;
    return result;
  }
  result.status = "ok";
  result.time_s = best[0].time_s;
  knowledge::ParamValues params = params_of(space, best[0].point);
  result.params = format_params(params);
  std::optional<backends::cpu::Counters> counters;
  if (m_setup.provider) counters = counters_of(*run.candidates, candidate_header(run.unit, params));
  return diagnosed(std::move(result), counters);
}

// The diagnosis of a result's best time, in words for the prompts.
agent::Result VariantStage::diagnosed(
    agent::Result result, const std::optional<backends::cpu::Counters>& counters) const {
  if (!result.time_s) return result;
  eval::Diagnosis d = eval::diagnose(m_in.described, *result.time_s, m_in.peaks);
  result.bound = eval::latency_bound(d) ? "latency" : d.bound;
  result.peak_percent = d.peak_percent;
  result.diagnosis = eval::in_words(d, counters ? &*counters : nullptr, nullptr);
  return result;
}

// The CPU's hardware counters of a node's best point (built before: the build cache answers),
// for its diagnosis in words; none on a GPU (Nsight Compute runs with --profile, after the
// verdict) or where the machine allows none (the reply says which are unavailable).
std::optional<backends::cpu::Counters> VariantStage::counters_of(CandidateEvaluator& candidates,
                                                                 const std::string& header) {
  if (!backends::platform_of(m_in.recipe.backend).counts_in_harness()) return std::nullopt;
  backends::Build built = candidates.build(header, "counters");
  if (!built.ok) return std::nullopt;
  auto counted = m_in.evaluator.counters(built.executable);
  if (!counted) {
    KEVOLVE_LOG("variants: no counters: {}", counted.error());
    return std::nullopt;
  }
  return std::move(*counted);
}

// A params expansion: the node's own space searched further, by another `budget` evaluations.
util::Expected<void> VariantStage::deepen(int node) {
  const std::string& hash = m_tree.node(node).variant;
  VariantRun* run = nullptr;
  for (const auto& r : m_runs) {
    if (r->ref.hash == hash) run = r.get();
  }
  m_tree.begin_params(node);
  if (!run) {
    m_tree.end_params(node, agent::Result{});
    return {};
  }
  auto result = search(*run, Json::object(), "", run->history.size() + m_setup.budget);
  if (!result) return util::unexpected(result.error());
  m_tree.end_params(node, *result);
  return {};
}

util::Json VariantStage::llm_json(const Call& call, const llm::Reply* reply) const {
  const llm::Provider& provider = *m_setup.provider;
  auto hash_of = [&](int id) { return id < 0 ? std::string() : m_tree.node(id).variant; };
  Json j =
      Json{{"provider", provider.name()},
           {"model", reply && !reply->model.empty() ? reply->model : provider.model()},
           {"prompt_hash", call.prompt.hash},
           {"mode", agent::name_of(call.expansion.mode)},
           {"parent", call.expansion.mode == agent::Mode::fresh ? std::string()
                                                                : hash_of(call.expansion.node)},
           {"passages", call.passages}};
  if (call.expansion.partner >= 0) j["partner"] = hash_of(call.expansion.partner);
  if (reply) {
    j["prompt_tokens"] = reply->usage.prompt_tokens;
    j["answer_tokens"] = reply->usage.answer_tokens;
    j["seconds"] = reply->seconds;
    j["attempts"] = reply->attempts;
    if (reply->cached) j["cached"] = true;  // kept from an earlier call: nothing was sent
  }
  return j;
}

std::optional<std::string> VariantStage::stop_reason() const {
  agent::Limits limits;
  limits.calls = m_setup.calls;
  limits.tokens = m_setup.tokens;
  limits.target_peak = m_setup.target_peak;
  limits.stall = m_setup.stall;
  limits.seconds = m_in.time_limit_s;
  agent::Spent spent = m_spent;
  spent.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_in.started).count();
  return agent::stop_reason(m_tree, spent, limits);
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::string_view rest = text; !rest.empty();) {
    std::size_t newline = rest.find('\n');
    lines.emplace_back(rest.substr(0, newline));
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
  }
  return lines;
}

// "+24 -9 lines"
std::string diff_summary(const std::string& from, const std::string& to) {
  dtl::Diff<std::string, std::vector<std::string>> diff(lines_of(from), lines_of(to));
  diff.onHuge();
  diff.compose();
  std::size_t added = 0, removed = 0;
  for (const auto& [line, info] : diff.getSes().getSequence()) {
    added += info.type == dtl::SES_ADD ? 1 : 0;
    removed += info.type == dtl::SES_DELETE ? 1 : 0;
  }
  return fmt::format("+{} -{} lines", added, removed);
}

}  // namespace

std::optional<retrieval::Skill> VariantStage::skill_of(const std::string& hash) const {
  const agent::Node* node = nullptr;
  for (const agent::Node& n : m_tree.nodes()) {
    if (n.variant == hash && n.result.ok()) node = &n;
  }
  const agent::Result& root = m_tree.node(0).result;
  if (!node || !root.ok()) return std::nullopt;
  retrieval::Skill skill;
  skill.unit = m_in.unit.name;
  skill.device = m_in.device.id.str();
  skill.backend = m_in.device.id.backend;
  skill.arch = m_in.device.id.arch;
  skill.bound_before = root.bound;
  skill.bound_after = node->result.bound;
  skill.peak_before = root.peak_percent;
  skill.peak_after = node->result.peak_percent;
  skill.speedup = m_tree.speedup(node->id);
  skill.explanation = node->result.explanation;
  skill.diff_summary = diff_summary(m_code.front(), m_code[static_cast<std::size_t>(node->id)]) +
                       "; " + node->result.diagnosis;
  skill.variant = hash;
  skill.date = util::now_utc().substr(0, 10);
  return skill;
}

std::vector<Contender> VariantStage::contenders() const {
  std::vector<Contender> out;
  for (const auto& r : m_runs) {
    auto best = r->history.fastest(1, std::nullopt);
    if (best.empty()) continue;
    knowledge::ParamValues params = params_of(*r->space, best[0].point);
    std::string header = candidate_header(r->unit, params);
    std::string label =
        fmt::format("variant {} {}", r->ref.hash.substr(0, 8), r->space->format(best[0].point));
    out.push_back({best[0], std::move(params), std::move(header), std::move(label), r->ref,
                   r->candidates.get()});
  }
  return out;
}

}  // namespace kevolve::tune
