#include "tool/agent/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace kevolve::agent {

namespace {

bool rewrite(const Node& n) { return n.id > 0 && n.result.status != "pending"; }

double best_speedup(const Tree& tree) {
  auto best = tree.best();
  return best ? tree.speedup(*best) : 0;
}

// Finished rewrites of `n` that did not beat it.
int misses(const Tree& tree, const Node& n) {
  int count = 0;
  for (int c : n.children) {
    const Result& r = tree.node(c).result;
    if (r.status == "pending") continue;
    if (!r.ok() || !n.result.ok() || *r.time_s >= *n.result.time_s) ++count;
  }
  return count;
}

// The node to expand: UCT over the nodes that ran correctly. A node's value is its speedup
// relative to the best, discounted by each rewrite of it that did not beat it, so that a node
// whose rewrites keep failing yields to others before the exploration term alone would.
int select(const Tree& tree, const PolicySettings& settings, util::Rng& rng) {
  const double top = best_speedup(tree);
  int total = 1;
  for (const Node& n : tree.nodes()) total += n.expansions + n.in_flight;
  std::vector<int> chosen;
  double chosen_score = -1;
  for (const Node& n : tree.nodes()) {
    if (!n.result.ok()) continue;
    const double reward =
        (top > 0 ? tree.speedup(n.id) / top : 0) / (1 + settings.miss_discount * misses(tree, n));
    const double visits = 1.0 + n.expansions + n.in_flight;
    const double score =
        reward + settings.exploration * std::sqrt(std::log(static_cast<double>(total)) / visits);
    if (score > chosen_score + 1e-12) {
      chosen = {n.id};
      chosen_score = score;
    } else if (std::abs(score - chosen_score) <= 1e-12) {
      chosen.push_back(n.id);
    }
  }
  if (chosen.empty()) return 0;
  return chosen[rng.below(chosen.size())];
}

bool combined_before(const Tree& tree, int a, int b) {
  for (const Node& n : tree.nodes()) {
    if (n.made_by == Mode::combine &&
        ((n.parent == a && n.partner == b) || (n.parent == b && n.partner == a)))
      return true;
  }
  return false;
}

// The best node of another branch that beats the original and was not merged with `id` yet.
int partner_for(const Tree& tree, int id, const PolicySettings& settings) {
  int partner = -1;
  for (const Node& n : tree.nodes()) {
    if (n.id == 0 || !n.result.ok() || tree.speedup(n.id) < settings.combine_min_speedup) continue;
    if (tree.descends_from(n.id, id) || tree.descends_from(id, n.id)) continue;
    if (combined_before(tree, id, n.id) || n.variant == tree.node(id).variant) continue;
    if (partner < 0 || tree.speedup(n.id) > tree.speedup(partner)) partner = n.id;
  }
  return partner;
}

bool has_finished_children(const Tree& tree, const Node& n) {
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](int c) { return tree.node(c).result.status != "pending"; });
}

// The best node while its rewrites keep improving on it (the focus), unless an expansion of it is
// in flight: then UCT spreads the next one elsewhere.
std::optional<int> focused(const Tree& tree, const PolicySettings& settings, int stalled) {
  if (stalled >= settings.focus_until_stall) return std::nullopt;
  const int best = tree.best().value_or(0);
  if (tree.node(best).in_flight > 0) return std::nullopt;
  return best;
}

}  // namespace

int since_best(const Tree& tree) {
  auto best = tree.best();
  int count = 0;
  for (const Node& n : tree.nodes()) {
    if (rewrite(n) && (!best || n.id > *best)) ++count;
  }
  return count;
}

Expansion choose(const Tree& tree, const PolicySettings& settings, util::Rng& rng) {
  const int stalled = since_best(tree);
  if (settings.fresh_after > 0 && stalled > 0 && stalled % settings.fresh_after == 0 &&
      tree.node(static_cast<int>(tree.size()) - 1).made_by != Mode::fresh)
    return {0, Mode::fresh, -1};
  const std::optional<int> focus = focused(tree, settings, stalled);
  const int id = focus ? *focus : select(tree, settings, rng);
  const Node& n = tree.node(id);
  if (id > 0 && tree.best() == id && n.params_rounds < settings.params_rounds && n.in_flight == 0)
    return {id, Mode::params, -1};
  if (id > 0 && tree.speedup(id) >= settings.combine_min_speedup) {
    if (int partner = partner_for(tree, id, settings); partner >= 0)
      return {id, Mode::combine, partner};
  }
  if (has_finished_children(tree, n)) return {id, Mode::compare_siblings, -1};
  return {id, id == 0 ? Mode::fresh : Mode::inherit, -1};
}

std::optional<std::string> stop_reason(const Tree& tree, const Spent& spent, const Limits& limits) {
  if (limits.target_peak) {
    if (auto best = tree.best(); best && tree.node(*best).result.peak_percent &&
                                 *tree.node(*best).result.peak_percent >= *limits.target_peak)
      return fmt::format("the target of {:.0f}% of the measured peak is reached",
                         *limits.target_peak);
  }
  if (limits.calls && spent.calls >= limits.calls)
    return fmt::format("{} LLM call{} spent", spent.calls, spent.calls == 1 ? "" : "s");
  if (limits.evaluations && spent.evaluations >= limits.evaluations)
    return fmt::format("{} evaluations spent", spent.evaluations);
  if (limits.tokens && spent.tokens >= limits.tokens)
    return fmt::format("{} tokens spent", spent.tokens);
  if (limits.seconds > 0 && spent.seconds >= limits.seconds)
    return fmt::format("{:.0f} s spent", spent.seconds);
  if (limits.stall > 0 && since_best(tree) >= limits.stall)
    return fmt::format("{} rewrites without a better one", since_best(tree));
  return std::nullopt;
}

}  // namespace kevolve::agent
