#include "simulation.hpp"

#include "space/space.hpp"
#include "tool/agent/context.hpp"
#include "tool/agent/tree.hpp"
#include "tool/retrieval/rank.hpp"
#include "tool/variant/prompt.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

namespace agent_bench {
namespace {

namespace agent = kevolve::agent;
namespace variant = kevolve::variant;
using kevolve::util::Rng;

constexpr std::uint64_t k_params_evaluations = 8;  // a further parameter search's budget
// A prompt's passages, as the tune's (tool/cli/tune_command.cpp): at most 3, 6000 bytes.
constexpr std::size_t k_prompt_passages = 3;
constexpr std::size_t k_prompt_passage_bytes = 6000;

double normal(Rng& rng) {
  const double u = 1.0 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

// The run's random streams, apart so that the strategies share them where they can (common
// random numbers): the model's pick at call k and the timing noise of the n-th evaluation are
// the same draws in every strategy's run of a seed, which makes their comparison less noisy.
class Streams {
 public:
  explicit Streams(std::uint64_t seed) : m_seed(seed), m_noise(seed * 2 + 1), m_policy(seed) {}
  // The model's draw for the `call`-th call.
  Rng model(int call) const {
    return Rng(m_seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(call));
  }
  Rng& noise() { return m_noise; }
  Rng& policy() { return m_policy; }

 private:
  std::uint64_t m_seed;
  Rng m_noise, m_policy;
};

// The marker's space text: KEVOLVE_TUNE(unit, "<space>").
std::string space_of(const Kernel& kernel) {
  std::size_t open = kernel.text.find('"');
  std::size_t close = open == std::string::npos ? open : kernel.text.find('"', open + 1);
  return close == std::string::npos ? "" : kernel.text.substr(open + 1, close - open - 1);
}

// How many evaluations a search of the kernel's whole space takes (1 when it has none).
std::uint64_t points_of(const Kernel& kernel) {
  auto space = kevolve::space::make_space(space_of(kernel), kevolve::space::Facts{});
  return space && space->size() > 0 ? space->size() : 1;
}

// The measurements replayed, with noise, and what they cost.
class Bench {
 public:
  Bench(const Pool& pool, const Settings& settings, Rng& rng)
      : m_pool(pool), m_settings(settings), m_rng(rng) {}

  // The original's parameter search: the root's result.
  agent::Result search_original() {
    m_evaluations += m_pool.space.empty() ? 1 : m_pool.space.size();
    return result_of(m_pool.original, m_pool.original_best_s());
  }

  // A rewrite's answer: checked, compiled, verified, its space searched.
  agent::Result evaluate(const Kernel& v) {
    if (!v.measured.time_s) {
      ++m_evaluations;
      agent::Result r;
      r.status = v.measured.status;
      r.message = v.measured.message;
      r.explanation = v.summary;
      return r;
    }
    m_evaluations += points_of(v);
    return result_of(v, *v.measured.time_s);
  }

  // More parameter search of a node that ran: the same code timed again.
  agent::Result search_again(const Kernel& k, double true_s) {
    m_evaluations += std::min(k_params_evaluations, points_of(k));
    return result_of(k, true_s);
  }

  std::uint64_t evaluations() const { return m_evaluations; }

 private:
  agent::Result result_of(const Kernel& k, double true_s) {
    agent::Result r;
    r.status = "ok";
    r.time_s = true_s * std::exp(m_settings.noise * normal(m_rng));
    r.explanation = k.summary;
    r.bound = k.bound;
    r.diagnosis = k.diagnosis;
    return r;
  }

  const Pool& m_pool;
  const Settings& m_settings;
  Rng& m_rng;
  std::uint64_t m_evaluations = 0;
};

// The unit's fixed part of every prompt: the original, its file, its space, the defaults' time.
variant::PromptContext base_context(const Pool& pool) {
  variant::PromptContext c;
  c.unit = pool.kernel;
  c.backend = "cpu";
  c.device = "the benchmark's CPU";
  c.kernel_name = pool.kernel;
  c.kernel_file = "kernels/" + pool.kernel + ".cpp";
  c.kernel_text = pool.original.text;
  c.file_before = pool.original.file_before;
  c.space = space_of(pool.original);
  c.baseline_s = *pool.original.measured.time_s;
  return c;
}

// The passages a prompt about this kernel text gets, chosen as the tune's passages_of
// (tool/cli/tune_command.cpp) chooses them: the query is the text and its diagnosis, its bound;
// the project's notes and skills first, then the playbook.
std::vector<variant::Passage> passages_for(const Pool& pool, const Settings& settings,
                                           const std::string& text, const std::string& bound,
                                           const std::string& diagnosis) {
  std::vector<variant::Passage> out;
  if (!settings.retrieval) return out;
  std::size_t bytes = 0;
  const kevolve::retrieval::Query query{"cpu", "x86_64", bound, text + "\n" + diagnosis};
  for (const kevolve::retrieval::Corpus* corpus : {&pool.project, &pool.playbook}) {
    for (const kevolve::retrieval::Retrieved& r : kevolve::retrieval::retrieve(
             *corpus, query, k_prompt_passages - out.size(), k_prompt_passage_bytes - bytes)) {
      out.push_back({r.passage->id, r.passage->title, r.passage->text});
      bytes += r.passage->text.size();
    }
    if (out.size() >= k_prompt_passages) break;
  }
  return out;
}

// The trace's bookkeeping, shared by the strategies.
class Recorder {
 public:
  Recorder(const Pool& pool, const Settings& settings)
      : m_target(pool.best_s() * settings.reached) {}

  // Before any call (.after the original's parameter search).
  void start(double true_best_s, std::uint64_t evaluations) {
    m_trace.best_after_call.push_back(true_best_s);
    m_trace.evaluations_after_call.push_back(evaluations);
    check(true_best_s, 0, evaluations);
  }
  // A call answered with `v`, and the strategy's pick after evaluating it.
  void called(std::string mode, const Kernel& v, bool led, double true_best_s,
              std::uint64_t evaluations) {
    Trace::Call call;
    call.mode = std::move(mode);
    call.led = led;
    call.repeat =
        std::find(m_trace.answers.begin(), m_trace.answers.end(), v.name) != m_trace.answers.end();
    call.new_best = true_best_s < m_trace.best_after_call.back();
    m_trace.calls.push_back(call);
    m_trace.answers.push_back(v.name);
    m_trace.best_after_call.push_back(true_best_s);
    m_trace.evaluations_after_call.push_back(evaluations);
    check(true_best_s, static_cast<int>(m_trace.calls.size()), evaluations);
  }
  // The strategy stopped before its budget (a repeated prompt).
  void stopped() { m_trace.stopped_after = static_cast<int>(m_trace.calls.size()); }
  Trace take() { return std::move(m_trace); }

 private:
  void check(double true_best_s, int calls, std::uint64_t evaluations) {
    if (m_trace.calls_to_best < 0 && true_best_s <= m_target) {
      m_trace.calls_to_best = calls;
      m_trace.evaluations_to_best = evaluations;
    }
  }

  double m_target;
  Trace m_trace;
};

// The tree's prompt for an expansion, with the stage's passages: retrieved for the node the
// prompt rewrites (the root for fresh).
variant::ComposedPrompt tree_prompt(const Pool& pool, const Settings& settings,
                                    const agent::Tree& tree, const agent::Expansion& e,
                                    const variant::PromptContext& base,
                                    const agent::CodeOf& code_of) {
  const int from = e.mode == agent::Mode::fresh ? 0 : e.node;
  variant::PromptContext with = base;
  with.passages = passages_for(pool, settings, code_of(from), tree.node(from).result.bound,
                               tree.node(from).result.diagnosis);
  return variant::compose_prompt(agent::context_for(tree, e, std::move(with), code_of));
}

// An answer whose code a node has already, as the stage records it (tool/tune/variants.cpp): a
// rewrite that failed as a duplicate, with the model's explanation, not evaluated again.
agent::Result duplicate(const Kernel& v) {
  agent::Result r;
  r.status = "duplicate";
  r.message = "the same variant as an earlier one of this tune (searched once)";
  r.explanation = v.summary;
  return r;
}

Trace run_tree(const Pool& pool, const Settings& settings, Streams& streams) {
  Bench bench(pool, settings, streams.noise());
  Recorder recorder(pool, settings);
  agent::Tree tree;
  std::vector<int> variant_of{-1};  // per node: its index in pool.variants; -1 the original
  auto kernel_of = [&](int node) -> const Kernel& {
    int v = variant_of.at(static_cast<std::size_t>(node));
    return v < 0 ? pool.original : pool.variants[static_cast<std::size_t>(v)];
  };
  auto true_time = [&](int node) {
    int v = variant_of.at(static_cast<std::size_t>(node));
    return v < 0 ? pool.original_best_s() : *kernel_of(node).measured.time_s;
  };
  auto pick = [&] { return true_time(tree.best().value_or(0)); };
  tree.finish(0, "", bench.search_original());
  recorder.start(pick(), bench.evaluations());
  const variant::PromptContext base = base_context(pool);
  const agent::CodeOf code_of = [&](int node) { return kernel_of(node).text; };
  std::set<std::string> asked;  // the prompts sent so far, by hash
  int calls = 0;
  while (calls < settings.calls &&
         bench.evaluations() < static_cast<std::uint64_t>(settings.max_evaluations)) {
    agent::Expansion e = agent::choose(tree, settings.policy, streams.policy());
    if (e.mode == agent::Mode::params) {
      tree.begin_params(e.node);
      tree.end_params(e.node, bench.search_again(kernel_of(e.node), true_time(e.node)));
      continue;
    }
    const variant::ComposedPrompt prompt = tree_prompt(pool, settings, tree, e, base, code_of);
    // The stage never sends a prompt twice (tool/tune/variants.cpp): it waits for the call in
    // flight and chooses again, or stops when none is. One expansion at a time here: it stops.
    if (!settings.repeat_prompts && !asked.insert(prompt.hash).second) {
      recorder.stopped();
      break;
    }
    Rng model = streams.model(calls + 1);
    const Answer a = answer(pool, prompt.prompt.user, model);
    const Kernel& answered = pool.variants[a.variant];
    ++calls;
    const int id = tree.add(e.node, e.mode, e.partner);
    variant_of.push_back(static_cast<int>(a.variant));
    const bool known = std::count(variant_of.begin(), variant_of.end(), a.variant) > 1;
    if (settings.dedupe && known)
      tree.finish(id, answered.name, duplicate(answered));
    else
      tree.finish(id, answered.name, bench.evaluate(answered));
    recorder.called(std::string(agent::name_of(e.mode)), answered, a.led, pick(),
                    bench.evaluations());
  }
  return recorder.take();
}

Trace run_keep_revert(const Pool& pool, const Settings& settings, Streams& streams) {
  Bench bench(pool, settings, streams.noise());
  Recorder recorder(pool, settings);
  const Kernel* incumbent = &pool.original;
  agent::Result incumbent_result = bench.search_original();
  double incumbent_true = pool.original_best_s();
  std::optional<variant::Attempt> last;
  recorder.start(incumbent_true, bench.evaluations());
  for (int call = 1; call <= settings.calls; ++call) {
    variant::PromptContext c = base_context(pool);
    c.kernel_text = incumbent->text;
    c.best_s = *incumbent_result.time_s;
    c.bound = incumbent_result.bound;
    c.diagnosis = incumbent_result.diagnosis;
    if (last) c.attempts.push_back(*last);
    c.passages = passages_for(pool, settings, incumbent->text, c.bound, c.diagnosis);
    Rng model = streams.model(call);
    const Answer a = answer(pool, variant::compose_prompt(c).prompt.user, model);
    const Kernel& answered = pool.variants[a.variant];
    agent::Result r = bench.evaluate(answered);
    if (r.ok() && *r.time_s < *incumbent_result.time_s) {
      incumbent = &answered;
      incumbent_result = r;
      incumbent_true = *answered.measured.time_s;
    }
    last = agent::attempt_of(r);
    recorder.called("", answered, a.led, incumbent_true, bench.evaluations());
  }
  return recorder.take();
}

Trace run_random(const Pool& pool, const Settings& settings, Streams& streams) {
  Bench bench(pool, settings, streams.noise());
  Recorder recorder(pool, settings);
  double best_measured = *bench.search_original().time_s;
  double best_true = pool.original_best_s();
  recorder.start(best_true, bench.evaluations());
  for (int call = 1; call <= settings.calls; ++call) {
    Rng model = streams.model(call);
    const Kernel& v = pool.variants[model.below(pool.variants.size())];
    agent::Result r = bench.evaluate(v);
    if (r.ok() && *r.time_s < best_measured) {
      best_measured = *r.time_s;
      best_true = *v.measured.time_s;
    }
    recorder.called("", v, false, best_true, bench.evaluations());
  }
  return recorder.take();
}

}  // namespace

const char* name_of(Strategy strategy) {
  switch (strategy) {
    case Strategy::tree:
      return "tree";
    case Strategy::keep_revert:
      return "keep-revert";
    case Strategy::random:
      return "random";
  }
  return "?";
}

// The prompt without its passages ("## Notes that may help" up to the next "## " heading): what
// it shows of the kernel and the attempts. A passage that names an idea does not mean it was
// tried, so "tried" (a summary shown, a trigger's !-phrase) is judged on this part only.
std::string without_passages(const std::string& prompt) {
  const std::size_t begin = prompt.find("\n## Notes that may help");
  if (begin == std::string::npos) return prompt;
  const std::size_t end = prompt.find("\n## ", begin + 1);
  return prompt.substr(0, begin) + (end == std::string::npos ? "" : prompt.substr(end));
}

namespace {

// The variants a prompt leads the scripted model to (its answer when there is one).
std::vector<std::size_t> led_to(const Pool& pool, const std::string& prompt) {
  std::vector<std::size_t> out;
  const std::string shown = without_passages(prompt);
  for (std::size_t i = 0; i < pool.variants.size(); ++i) {
    const Kernel& v = pool.variants[i];
    if (shown.find(v.summary) != std::string::npos) continue;  // shown: tried already
    if (std::any_of(v.triggers.begin(), v.triggers.end(),
                    [&](const Trigger& t) { return holds(t, prompt, shown); }))
      out.push_back(i);
  }
  return out;
}

}  // namespace

Answer answer(const Pool& pool, const std::string& prompt, Rng& rng) {
  const std::vector<std::size_t> led = led_to(pool, prompt);
  if (!led.empty()) return {led[rng.below(led.size())], true};
  std::vector<std::size_t> fallback;
  for (std::size_t i = 0; i < pool.variants.size(); ++i) {
    const Kernel& v = pool.variants[i];
    if (!v.measured.time_s || *v.measured.time_s >= pool.original_best_s()) fallback.push_back(i);
  }
  if (fallback.empty()) return {rng.below(pool.variants.size()), false};
  return {fallback[rng.below(fallback.size())], false};
}

namespace {

// A kernel's evaluation without noise: what the floor's search knows of an answer.
agent::Result true_result(const Kernel& k) {
  agent::Result r;
  r.status = k.measured.time_s ? "ok" : k.measured.status;
  r.time_s = k.measured.time_s;
  r.message = k.measured.message;
  r.explanation = k.summary;
  r.bound = k.bound;
  r.diagnosis = k.diagnosis;
  return r;
}

// Every prompt a tree can send (floor_calls): fresh from the root, inherit and compare-siblings
// of each node that ran, combine of two nodes that ran in different branches.
std::vector<agent::Expansion> every_expansion(const agent::Tree& tree) {
  std::vector<agent::Expansion> out{{0, agent::Mode::fresh, -1}};
  for (const agent::Node& n : tree.nodes()) {
    if (!n.result.ok()) continue;
    if (n.id > 0) out.push_back({n.id, agent::Mode::inherit, -1});
    if (!n.children.empty()) out.push_back({n.id, agent::Mode::compare_siblings, -1});
    for (const agent::Node& p : tree.nodes()) {
      if (n.id == 0 || p.id <= n.id || !p.result.ok()) continue;
      if (tree.descends_from(p.id, n.id) || tree.descends_from(n.id, p.id)) continue;
      out.push_back({n.id, agent::Mode::combine, p.id});
      out.push_back({p.id, agent::Mode::combine, n.id});
    }
  }
  return out;
}

// The floor's depth-first search: can `calls_left` more calls reach the pool's best from `tree`?
class FloorSearch {
 public:
  FloorSearch(const Pool& pool, const Settings& settings)
      : m_pool(pool),
        m_settings(settings),
        m_base(base_context(pool)),
        m_target(pool.best_s() * settings.reached) {}

  bool reaches(const agent::Tree& tree, const std::vector<int>& variant_of, int calls_left) {
    const agent::CodeOf code_of = [&](int node) {
      const int v = variant_of.at(static_cast<std::size_t>(node));
      return v < 0 ? m_pool.original.text : m_pool.variants[static_cast<std::size_t>(v)].text;
    };
    for (const agent::Expansion& e : every_expansion(tree)) {
      const std::string prompt =
          tree_prompt(m_pool, m_settings, tree, e, m_base, code_of).prompt.user;
      for (std::size_t v : led_to(m_pool, prompt)) {
        const Kernel& k = m_pool.variants[v];
        if (k.measured.time_s && *k.measured.time_s <= m_target) return true;
        const bool known = std::count(variant_of.begin(), variant_of.end(), v) > 0;
        if (calls_left == 1 || known) continue;  // a duplicate shows nothing new
        agent::Tree next = tree;
        next.finish(next.add(e.node, e.mode, e.partner), k.name, true_result(k));
        std::vector<int> next_of = variant_of;
        next_of.push_back(static_cast<int>(v));
        if (reaches(next, next_of, calls_left - 1)) return true;
      }
    }
    return false;
  }

 private:
  const Pool& m_pool;
  const Settings& m_settings;
  variant::PromptContext m_base;
  double m_target;
};

}  // namespace

int floor_calls(const Pool& pool, const Settings& settings, int max_calls) {
  if (pool.original_best_s() <= pool.best_s() * settings.reached) return 0;
  agent::Tree root;
  agent::Result original = true_result(pool.original);
  original.time_s = pool.original_best_s();  // after its parameter search
  root.finish(0, "", original);
  FloorSearch search(pool, settings);
  for (int calls = 1; calls <= max_calls; ++calls) {
    if (search.reaches(root, {-1}, calls)) return calls;
  }
  return -1;
}

std::string first_prompt(const Pool& pool, const Settings& settings) {
  variant::PromptContext c = base_context(pool);
  c.best_s = pool.original_best_s();
  c.bound = pool.original.bound;
  c.diagnosis = pool.original.diagnosis;
  c.mode = "fresh";
  c.passages = passages_for(pool, settings, pool.original.text, c.bound, c.diagnosis);
  return variant::compose_prompt(c).prompt.user;
}

Trace run(const Pool& pool, Strategy strategy, std::uint64_t seed, const Settings& settings) {
  Streams streams(seed);
  switch (strategy) {
    case Strategy::tree:
      return run_tree(pool, settings, streams);
    case Strategy::keep_revert:
      return run_keep_revert(pool, settings, streams);
    case Strategy::random:
      return run_random(pool, settings, streams);
  }
  return {};
}

}  // namespace agent_bench
