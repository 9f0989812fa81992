#pragma once

// The `tree` strategy's choices (docs/agent.md): which node to expand, how, and when to stop.
// Selection is UCT over the nodes that ran correctly, on their speedups normalised to the best
// one, with expansions in flight counted as visits (a virtual loss) so that several expansions
// can run at once without all picking the same node; while the best node's rewrites keep
// improving on it (fewer than `focus_until_stall` since it was found), the best node itself is
// expanded, as a single incumbent would be. The mode follows from the node's
// surroundings: the best node first gets its parameters searched further, a node with a good
// partner in another branch is combined with it, a node with children is shown them
// (compare-siblings), a leaf its lineage (inherit), and a stalled search starts fresh.

#include "tool/agent/tree.hpp"
#include "util/random.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace kevolve::agent {

struct PolicySettings {
  double exploration = 0.4;           // UCT's constant, on rewards in (0, 1]
  int params_rounds = 1;              // parameter searches a best node gets beyond its first
  int fresh_after = 3;                // a fresh rewrite after this many rewrites without a new best
  double combine_min_speedup = 1.02;  // a partner must beat the original by this much
  double miss_discount = 0.25;  // a node's value / (1 + this * its rewrites that did not beat it)
  // While fewer rewrites than this have finished since the best node was found, the best node is
  // expanded (compare-siblings once it has rewrites: every attempt from it so far, a superset of
  // what keep/revert shows); UCT over all nodes once the best stalls. 0: UCT throughout.
  // docs/results/agent.md, "Round 3": level with keep/revert at 2 and 4 calls.
  int focus_until_stall = 3;
};

struct Expansion {
  int node = 0;
  Mode mode = Mode::fresh;
  int partner = -1;  // combine's other node
};

// The next expansion. Deterministic for a tree and a seed state (ties broken by `rng`).
Expansion choose(const Tree& tree, const PolicySettings& settings, util::Rng& rng);

// Rewrites finished since the best node was found (the stall count).
int since_best(const Tree& tree);

// What a search has spent, and its limits (0 or unset: no limit).
struct Spent {
  std::uint64_t calls = 0, evaluations = 0, tokens = 0;
  double seconds = 0;
};
struct Limits {
  std::uint64_t calls = 0, evaluations = 0, tokens = 0;
  double seconds = 0;
  std::optional<double> target_peak;  // % of the measured peak the best node must reach
  int stall = 0;                      // rewrites without a new best
};

// Why the search stops now ("the target of 90% of peak reached", "3 LLM calls spent", ...), or
// nothing while it goes on.
std::optional<std::string> stop_reason(const Tree& tree, const Spent& spent, const Limits& limits);

}  // namespace kevolve::agent
