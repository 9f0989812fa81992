#pragma once

// The agent benchmark's simulation (docs/results/agent.md): three search strategies over one
// pool, with a scripted model that answers from what its prompt contains and evaluations that
// replay measure.sh's times. How a run goes:
//
// - Every strategy first searches the original's parameters (its space's points, the issue-18
//   flow); the root's result is the original at its best point.
// - An LLM call composes the real prompt (variant::compose_prompt) and the scripted model answers
//   with a variant of the pool: one whose trigger the prompt satisfies and whose summary the
//   prompt does not show yet (a shown one was tried), picked by the seed's draw for that call;
//   when there is none, a random variant that measured slower than the original's best or
//   failed. The draws for call k, and the noise of the n-th evaluation, are the same in every
//   strategy's run of a seed (common random numbers), so that the comparison is less noisy.
// - Prompts carry passages as the tune's do (tool/cli/tune_command.cpp): the pool's kevolve/
//   notes first, then the playbook, retrieved for the kernel text and diagnosis shown.
// - The tree never sends a prompt twice (the stage's rule): a repeated one ends its run.
// - Evaluating an answer replays its measurement: a failure's status and message, or its time
//   times exp(sigma * z) noise. Its parameter search is folded in (its measured time is its best
//   point's) and costs one evaluation per point of its space; a failure costs one.
// - `tree` runs agent::choose and agent::context_for (the lead's policy, tool/agent/); a params
//   expansion draws the node's time again (more search, same code) at min(8, points) evaluations.
//   `keep-revert` shows one incumbent and the last attempt; `random` asks for nothing and takes
//   a uniformly random variant per call.

#include "tool/agent/policy.hpp"
#include "util/random.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "pool.hpp"

namespace agent_bench {

enum class Strategy { tree, keep_revert, random };
const char* name_of(Strategy strategy);

struct Settings {
  int calls = 24;             // the LLM-call budget of a run
  int max_evaluations = 400;  // a run stops here too (params expansions call no LLM)
  double noise = 0.03;        // sigma of the multiplicative timing noise
  double reached = 1.05;      // a time within this factor of the pool's best counts as reaching it
  kevolve::agent::PolicySettings policy;
  bool retrieval = true;  // passages in the prompts (the pool's kevolve/ notes, the playbook)
  // What-ifs for the tree (docs/results/agent.md), changes around the policy, off by default:
  bool dedupe = false;  // an answer whose code a node has already is a "duplicate" failure, as
                        // the stage records it (tool/tune/variants.cpp): not evaluated again
  bool repeat_prompts = false;  // a prompt may be sent again (the stage never does)
};

// One run: the true (noise-free) time of the strategy's pick after each LLM call.
struct Trace {
  std::vector<double> best_after_call;  // [k]: after k calls; [0]: before any
  std::vector<std::uint64_t> evaluations_after_call;
  int calls_to_best = -1;  // -1: not reached within the budget
  std::uint64_t evaluations_to_best = 0;
  std::vector<std::string> answers;  // the variants answered, in order
  // Per call: its context mode (tree; "" for the others), whether a trigger led the model to its
  // answer (else a random bad or broken one), whether the answer was evaluated before in the run,
  // and whether it made a new best pick.
  struct Call {
    std::string mode;
    bool led = false, repeat = false, new_best = false;
  };
  std::vector<Call> calls;
  int stopped_after = -1;  // the calls made when the strategy stopped early (a repeated prompt)
};

Trace run(const Pool& pool, Strategy strategy, std::uint64_t seed, const Settings& settings);

// The scripted model: the variant (an index into pool.variants) this prompt leads to, and
// whether a trigger led to it (false: a random bad or broken one).
struct Answer {
  std::size_t variant = 0;
  bool led = false;
};
Answer answer(const Pool& pool, const std::string& prompt, kevolve::util::Rng& rng);

// The floor (docs/results/agent.md): the fewest LLM calls after which some tree of the tree
// strategy's prompts holds a variant within `settings.reached` of the pool's best, when every
// call is answered with a variant its prompt leads to, the best such for the search (no random
// answer, no noise). -1 when more than `max_calls` are needed.
int floor_calls(const Pool& pool, const Settings& settings, int max_calls);

// The tree's first prompt, a fresh rewrite of the original with its passages (keep/revert's
// first differs only in its mode's words): for tests and for --show-prompt.
std::string first_prompt(const Pool& pool, const Settings& settings);

}  // namespace agent_bench
