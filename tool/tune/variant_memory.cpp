// The tree's memory (docs/agent.md, "Memory"): the variant that won before, and every call a
// unit's trial log records, become nodes again before the tree asks anything new.

#include "knowledge/trials.hpp"
#include "tool/tune/variants.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <map>

namespace kevolve::tune {

namespace fs = std::filesystem;
using Json = util::Json;

// The variant that won before contends again, as a node under the original: checked as it is
// now, its search resumed from the trial log. One that no longer passes is left out, with a note.
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
  int node = m_tree.add(0, agent::Mode::fresh);
  m_code.push_back(*code);
  auto result = search(*m_runs.back(), Json::object(), "", m_setup.budget);
  if (!result) return util::unexpected(result.error());
  m_tree.finish(node, previous.hash, std::move(*result));
  return {};
}

// The tree's memory: every rewrite this unit's trial log records (its first line carries the
// call's mode, parent and partner) becomes its node again, a variant's search resumed from the
// log, so that a resumed tune asks only what it has not asked. Recorded calls count against the
// call budget as the parameter search's recorded evaluations count against its budget.
util::Expected<void> VariantStage::replay() {
  auto log = knowledge::read_trials(m_in.log_file);
  if (!log) return util::unexpected(log.error());
  std::map<std::string, int> node_of;  // the recalled winner is one already
  for (const agent::Node& n : m_tree.nodes()) {
    if (!n.variant.empty()) node_of[n.variant] = n.id;
  }
  auto lookup = [&](const std::string& hash) {
    auto found = node_of.find(hash);
    return hash.empty() || found == node_of.end() ? 0 : found->second;
  };
  for (const knowledge::TrialRecord& t : log->records) {
    if (t.variant.empty() || !key_of(t.variant).matches(t)) continue;
    auto mode = agent::mode_named(t.llm.is_object() ? t.llm.value("mode", "") : "");
    if (!mode || *mode == agent::Mode::params) continue;
    if (node_of.count(t.variant) && t.status != "duplicate") {  // the recalled winner's call
      ++m_spent.calls;
      m_asked.insert(t.llm.value("prompt_hash", ""));
      continue;
    }
    int partner = t.llm.contains("partner") ? lookup(t.llm.value("partner", "")) : -1;
    int node = m_tree.add(lookup(t.llm.value("parent", "")), *mode, partner > 0 ? partner : -1);
    m_code.emplace_back();
    node_of.emplace(t.variant, node);
    ++m_spent.calls;
    m_asked.insert(t.llm.value("prompt_hash", ""));
    auto result = replayed(t, node);
    if (!result) return util::unexpected(result.error());
    m_tree.finish(node, t.variant, std::move(*result));
  }
  if (m_spent.calls > 0)
    m_in.progress.note(fmt::format("{} earlier LLM call{} of this unit recalled from the trial log",
                                   m_spent.calls, m_spent.calls == 1 ? "" : "s"));
  return {};
}

// A recorded rewrite's result: its recorded failure, or its variant checked and searched again
// (the search resumes: nothing is evaluated twice).
util::Expected<agent::Result> VariantStage::replayed(const knowledge::TrialRecord& t, int node) {
  agent::Result failed;
  failed.status = t.status;
  failed.message = t.message;
  const bool variant = knowledge::is_variant_hash(t.variant);
  if (!variant || t.status == "rejected" || t.status == "duplicate" || t.status == "llm_error")
    return failed;
  knowledge::VariantRef ref;
  ref.hash = t.variant;
  ref.ext = fs::path(m_in.unit.kernel.name.file).extension().string();
  if (!ref.ext.empty()) ref.ext.erase(0, 1);
  auto code = m_in.knowledge.read_variant(m_in.unit.name, ref,
                                          knowledge::KnowledgeDir::VariantPlace::trials);
  if (!code) {
    failed.message = code.error();
    return failed;
  }
  std::string rejection;
  auto run = splice_and_check(*code, rejection);
  if (!run) return util::unexpected(run.error());
  if (!rejection.empty()) {
    failed.status = "rejected";
    failed.message = rejection;
    return failed;
  }
  (*run)->ref.provider = t.llm.value("provider", "");
  (*run)->ref.model = t.llm.value("model", "");
  (*run)->ref.prompt_hash = t.llm.value("prompt_hash", "");
  m_code[static_cast<std::size_t>(node)] = *code;
  m_runs.push_back(std::move(*run));
  return search(*m_runs.back(), t.llm, "", m_setup.budget);
}

}  // namespace kevolve::tune
