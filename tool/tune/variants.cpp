#include "tool/tune/variants.hpp"

#include "knowledge/trials.hpp"
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

Json llm_json(const llm::Provider& provider, const variant::ComposedPrompt& prompt,
              const llm::Reply* reply) {
  Json j = Json{{"provider", provider.name()},
                {"model", reply && !reply->model.empty() ? reply->model : provider.model()},
                {"prompt_hash", prompt.hash}};
  if (reply) {
    j["prompt_tokens"] = reply->usage.prompt_tokens;
    j["answer_tokens"] = reply->usage.answer_tokens;
    j["seconds"] = reply->seconds;
    j["attempts"] = reply->attempts;
    if (reply->cached) j["cached"] = true;  // kept from an earlier call: nothing was sent
  }
  return j;
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
  if (previous) {
    if (auto recalled = recall(*previous); !recalled) return recalled;
  }
  if (!m_setup.provider || m_setup.calls == 0) return {};
  auto base = prompt_context(unit, m_setup.source_dir,
                             std::string(backends::name_of(m_in.device.backend)), m_in.device.name);
  if (!base) return util::unexpected(base.error());
  for (std::uint64_t call = 0; call < m_setup.calls && !m_refused && !util::interrupted(); ++call) {
    variant::PromptContext context = *base;
    context.best_params = standing.params;
    context.best_s = standing.best_s;
    context.baseline_s = standing.baseline_s;
    eval::Diagnosis d = eval::diagnose(m_in.described, standing.best_s, m_in.peaks);
    context.peak_percent = d.peak_percent;
    context.bound = d.bound;
    context.attempts = m_attempts;
    m_in.progress.note(fmt::format("asking {} for a variant ({} of {})",
                                   m_setup.provider->describe(), call + 1, m_setup.calls));
    if (auto asked = ask(context); !asked) return asked;
    const variant::Attempt& last = m_attempts.back();
    if (last.time_s && *last.time_s < standing.best_s) {
      standing.params = last.params;
      standing.best_s = *last.time_s;
    }
  }
  return {};
}

util::Expected<void> VariantStage::ask(const variant::PromptContext& context) {
  variant::ComposedPrompt prompt = variant::compose_prompt(context);
  auto reply = m_setup.provider->complete(prompt.prompt);
  Json llm = llm_json(*m_setup.provider, prompt, reply ? &*reply : nullptr);
  if (!reply) {
    // Not a variant: the line's variant names the prompt, so no search ever resumes from it.
    m_attempts.push_back({"llm_error", reply.error(), std::nullopt, "", "", ""});
    // A refused key stays refused: the other calls would fail alike (tool/llm/remote.cpp).
    m_refused = reply.error().find("refused the key") != std::string::npos;
    return reject("call-" + knowledge::variant_hash(prompt.hash), reply.error(), llm, "",
                  "llm_error");
  }
  auto answer = variant::parse_answer(reply->text, context.kernel_name);
  if (!answer) {
    return reject("answer-" + knowledge::variant_hash(reply->text), answer.error(), llm, "");
  }
  const std::string hash = knowledge::variant_hash(answer->code);
  if (find(hash)) {
    return reject(hash, "the same variant as an earlier one of this tune (searched once)", llm,
                  answer->explanation, "duplicate");
  }
  std::string rejection;
  auto run = splice_and_check(answer->code, rejection);
  if (!run) return util::unexpected(run.error());
  if (!rejection.empty()) return reject(hash, rejection, llm, answer->explanation);
  VariantRun& r = **run;
  r.ref.provider = std::string(m_setup.provider->name());
  r.ref.model = llm.value("model", "");
  r.ref.prompt_hash = prompt.hash;
  r.ref.prompt_tokens = reply->usage.prompt_tokens;
  r.ref.answer_tokens = reply->usage.answer_tokens;
  m_runs.push_back(std::move(*run));
  return search(r, llm, answer->explanation);
}

// The variant that won before contends again: checked as it is now, its search resumed from the
// trial log. One that no longer passes is left out, with a note.
util::Expected<void> VariantStage::recall(const knowledge::VariantRef& previous) {
  auto code = m_in.knowledge.read_variant(m_in.unit.name, previous);
  if (!code) {
    m_in.progress.note("warning: the variant that won before is left out: " + code.error());
    return {};
  }
  std::string rejection;
  auto run = splice_and_check(*code, rejection);
  if (!run) return util::unexpected(run.error());
  if (!rejection.empty()) {
    m_in.progress.note(fmt::format("warning: the variant that won before ({}) is left out: {}",
                                   previous.file_name(), rejection));
    return {};
  }
  knowledge::VariantRef ref = previous;
  ref.space = (*run)->ref.space;
  ref.original_best.clear();
  (*run)->ref = ref;
  m_runs.push_back(std::move(*run));
  return search(*m_runs.back(), Json::object(), "");
}

// A variant that never ran: one trial-log line says why, and the next prompt sees it.
util::Expected<void> VariantStage::reject(const std::string& hash, const std::string& reason,
                                          const Json& llm, const std::string& explanation,
                                          const std::string& status) {
  bool failed_call = status == "llm_error";
  if (!failed_call) m_attempts.push_back({status, reason, std::nullopt, "", explanation, ""});
  m_in.progress.note(
      fmt::format("variant {}: {}", failed_call ? "call failed" : status, trimmed(reason, 300)));
  knowledge::TrialRecord line = key_of(hash).record({}, "llm");
  line.status = status;
  line.message = reason;
  line.llm = llm;
  return knowledge::append_trial(m_in.log_file, line);
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

util::Expected<void> VariantStage::search(VariantRun& run, const Json& llm,
                                          const std::string& explanation) {
  const space::Space& space = *run.space;
  TrialKey key = key_of(run.ref.hash);
  auto log = knowledge::read_trials(m_in.log_file);
  if (!log) return util::unexpected(log.error());
  run.history = resume(log->records, key, space);
  std::string strategy_name = search::strategy_for(space.size(), m_setup.budget);
  auto strategy =
      search::make_strategy(strategy_name, space, m_in.seed, defaults_point(space, run.unit));
  if (!strategy) return util::unexpected(strategy.error());
  for (const Evaluated& e : run.history.all()) (*strategy)->observe({e.point, e.ok(), e.time_s});

  SearchLimits limits;
  limits.budget = std::min<std::uint64_t>(m_setup.budget, space.size());
  limits.jobs = m_in.jobs;
  limits.evaluate_while_building = m_in.evaluate_while_building;
  SearchLoop loop(
      **strategy, *run.candidates,
      [&](const space::Point& p) { return candidate_header(run.unit, params_of(space, p)); },
      limits);
  bool first = true;
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
    return line.id;
  };
  const std::string label = fmt::format("{} variant {}", m_in.unit.name, run.ref.hash.substr(0, 8));
  m_in.progress.start(label, limits.budget, run.history.size(), m_baseline_s);
  auto searched = loop.run(run.history, record, m_in.progress, SearchLoop::Clock::now());
  m_in.progress.finish();
  m_in.progress.begin(m_in.unit.name);
  if (!searched) return util::unexpected(searched.error());
  if (searched->stop == SearchStop::environment) return util::unexpected(searched->environment);

  auto best = run.history.fastest(1, std::nullopt);
  variant::Attempt attempt{"ok", "", std::nullopt, "", explanation, ""};
  if (best.empty()) {
    attempt.status = "failed";
    attempt.message = failure.empty() ? "no evaluation ran correctly" : failure;
  } else {
    attempt.time_s = best[0].time_s;
    attempt.params = fmt::format("variant {}: {}", run.ref.hash.substr(0, 8),
                                 format_params(params_of(space, best[0].point)));
  }
  m_attempts.push_back(std::move(attempt));
  return {};
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
