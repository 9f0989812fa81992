// The tree search's bookkeeping, choices and prompts (tool/agent/): UCT picks the fast node,
// every mode is chosen where its context exists, and each mode's prompt shows what it should.

#include "tool/agent/context.hpp"
#include "tool/agent/policy.hpp"
#include "tool/agent/tree.hpp"
#include "tool/variant/prompt.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;
using namespace kevolve::agent;

namespace {

Result ok(double time_s, std::string explanation = "") {
  Result r;
  r.status = "ok";
  r.time_s = time_s;
  r.explanation = std::move(explanation);
  return r;
}

Result failed(std::string status, std::string message) {
  Result r;
  r.status = std::move(status);
  r.message = std::move(message);
  return r;
}

// A tree whose root (the original) took 10 s.
Tree rooted() {
  Tree t;
  t.finish(0, "", ok(10));
  return t;
}

int child(Tree& t, int parent, Mode mode, Result r, int partner = -1) {
  int id = t.add(parent, mode, partner);
  t.finish(id, "v" + std::to_string(id), std::move(r));
  return id;
}

}  // namespace

TEST_CASE("agent tree: lineage, best, speedups and counts", "[agent]") {
  Tree t = rooted();
  int a = child(t, 0, Mode::fresh, ok(5));
  int b = child(t, a, Mode::inherit, ok(2.5));
  int c = child(t, a, Mode::inherit, failed("wrong_result", "c[3] differs"));
  CHECK(t.lineage(b) == std::vector<int>{a, b});
  CHECK(t.lineage(0).empty());
  CHECK(t.best() == b);
  CHECK(t.speedup(b) == Approx(4));
  CHECK(t.speedup(c) == 0);
  CHECK(t.node(a).expansions == 2);
  CHECK(t.descends_from(b, a));
  CHECK_FALSE(t.descends_from(a, b));
  int pending = t.add(b, Mode::inherit);
  CHECK(t.node(b).in_flight == 1);
  CHECK(t.pending() == 1);
  t.abandon(pending);
  CHECK(t.node(b).in_flight == 0);
  CHECK(mode_named("compare-siblings") == Mode::compare_siblings);
  CHECK(name_of(Mode::combine) == "combine");
  CHECK_FALSE(mode_named("sideways"));
}

TEST_CASE("agent policy: each mode where its context exists", "[agent]") {
  PolicySettings settings;
  util::Rng rng(1);
  Tree t = rooted();
  // Only the original: a fresh rewrite of it.
  Expansion first = choose(t, settings, rng);
  CHECK(first.node == 0);
  CHECK(first.mode == Mode::fresh);

  // A faster node that is the best: its parameters are searched further once.
  int a = child(t, 0, Mode::fresh, ok(5));
  Expansion second = choose(t, settings, rng);
  CHECK(second.node == a);
  CHECK(second.mode == Mode::params);
  t.begin_params(a);
  t.end_params(a, ok(4.5));
  CHECK(t.node(a).result.time_s == Approx(4.5));

  // Searched: a leaf is shown its lineage.
  Expansion third = choose(t, settings, rng);
  CHECK(third.node == a);
  CHECK(third.mode == Mode::inherit);

  // Two good nodes in different branches: combined.
  int b = child(t, 0, Mode::fresh, ok(6));
  settings.params_rounds = 0;
  Expansion fourth = choose(t, settings, rng);
  CHECK(fourth.mode == Mode::combine);
  CHECK(((fourth.node == a && fourth.partner == b) || (fourth.node == b && fourth.partner == a)));
  int merged = child(t, fourth.node, Mode::combine, failed("compile_error", "x"), fourth.partner);
  (void)merged;

  // Combined once: never again for this pair; a node with children is shown them, a leaf its
  // lineage.
  Expansion fifth = choose(t, settings, rng);
  CHECK(fifth.mode != Mode::combine);
  CHECK(fifth.mode ==
        (t.node(fifth.node).children.empty() ? Mode::inherit : Mode::compare_siblings));
  int sibling = child(t, a, Mode::inherit, failed("wrong_result", "y"));
  (void)sibling;
  settings.fresh_after = 0;  // three rewrites since the best: a stall otherwise
  Expansion sixth = choose(t, settings, rng);
  CHECK(sixth.mode ==
        (t.node(sixth.node).children.empty() ? Mode::inherit : Mode::compare_siblings));
}

TEST_CASE("agent policy: UCT prefers the faster node, then explores", "[agent]") {
  PolicySettings settings;
  settings.params_rounds = 0;
  util::Rng rng(7);
  Tree t = rooted();
  int slow = child(t, 0, Mode::fresh, ok(9));
  int fast = child(t, 0, Mode::fresh, ok(2));
  // Both beat the original, but merging was tried: the fast one is picked.
  child(t, fast, Mode::combine, failed("rejected", "no"), slow);
  CHECK(choose(t, settings, rng).node == fast);
  // After many failed expansions of the fast node, exploration turns elsewhere.
  for (int i = 0; i < 40; ++i) child(t, fast, Mode::compare_siblings, failed("wrong_result", "x"));
  settings.fresh_after = 0;
  CHECK(choose(t, settings, rng).node != fast);
}

TEST_CASE("agent policy: a stall starts fresh; the limits stop", "[agent]") {
  PolicySettings settings;
  settings.params_rounds = 0;
  util::Rng rng(3);
  Tree t = rooted();
  int a = child(t, 0, Mode::fresh, ok(5));
  for (int i = 0; i < 3; ++i) child(t, a, Mode::inherit, failed("wrong_result", "x"));
  CHECK(since_best(t) == 3);
  Expansion e = choose(t, settings, rng);
  CHECK(e.node == 0);
  CHECK(e.mode == Mode::fresh);

  Limits limits;
  CHECK_FALSE(stop_reason(t, {}, limits));
  limits.stall = 3;
  CHECK(stop_reason(t, {}, limits).value_or("") == "3 rewrites without a better one");
  limits = {};
  limits.calls = 4;
  Spent spent;
  spent.calls = 4;
  CHECK(stop_reason(t, spent, limits).value_or("") == "4 LLM calls spent");
  limits = {};
  limits.target_peak = 80;
  CHECK_FALSE(stop_reason(t, {}, limits));
  Result at_peak = ok(4);
  at_peak.peak_percent = 85;
  child(t, a, Mode::inherit, at_peak);
  CHECK(stop_reason(t, {}, limits).value_or("") ==
        "the target of 80% of the measured peak is reached");
}

TEST_CASE("agent policy: the best node while it improves, UCT once it stalls", "[agent]") {
  PolicySettings settings;
  settings.params_rounds = 0;
  settings.fresh_after = 0;
  settings.focus_until_stall = 2;
  util::Rng rng(5);
  Tree t = rooted();
  int slow = child(t, 0, Mode::fresh, ok(12, "taps in the outer loop"));
  // One rewrite slower than the best (the original): it is asked again, shown that rewrite, as
  // keep/revert would ask; UCT alone would expand the slow child.
  Expansion focused = choose(t, settings, rng);
  CHECK(focused.node == 0);
  CHECK(focused.mode == Mode::compare_siblings);
  PolicySettings uct = settings;
  uct.focus_until_stall = 0;
  CHECK(choose(t, uct, rng).node == slow);
  // An expansion of the best in flight: the next one goes elsewhere.
  int pending = t.add(0, Mode::compare_siblings);
  CHECK(choose(t, settings, rng).node == slow);
  t.finish(pending, "v2", ok(11));
  // Two rewrites without a better one: a stall, UCT explores the slower nodes.
  CHECK(since_best(t) == 2);
  CHECK(choose(t, settings, rng).node != 0);
  // A new best: the focus moves to it.
  int fast = child(t, slow, Mode::inherit, ok(4));
  CHECK(choose(t, settings, rng).node == fast);
}

TEST_CASE("agent policy: a duplicate answer changes the next prompt", "[agent][prompt]") {
  // The stage records an answer whose code a node has already as a "duplicate" rewrite, not
  // evaluated (tool/tune/variants.cpp); the next prompt must differ from the one that got it,
  // or the stage, which never sends a prompt twice, would stop there.
  PolicySettings settings;
  settings.params_rounds = 0;
  util::Rng rng(11);
  Tree t = rooted();
  child(t, 0, Mode::fresh, ok(5, "interchanged the loops"));
  auto code_of = [](int id) { return "void k() { /* node " + std::to_string(id) + " */ }\n"; };
  variant::PromptContext base;
  base.unit = "k";
  base.backend = "cpu";
  base.kernel_name = "k";
  base.kernel_text = "void k() { /* original */ }\n";
  auto hash_of = [&](Expansion e) {
    return variant::compose_prompt(context_for(t, e, base, code_of)).hash;
  };
  for (int round = 0; round < 4; ++round) {
    const Expansion e = choose(t, settings, rng);
    const std::string asked = hash_of(e);
    Result dup = failed("duplicate", "the same variant as an earlier one of this tune");
    dup.explanation = "interchanged the loops";
    t.finish(t.add(e.node, e.mode, e.partner), "v1", dup);
    CHECK(hash_of(choose(t, settings, rng)) != asked);
  }
}

TEST_CASE("agent context: each mode's prompt shows its context", "[agent][prompt]") {
  Tree t = rooted();
  Result first = ok(5, "interchanged the loops");
  first.diagnosis = "memory-bound at 41% of the measured copy bandwidth";
  first.bound = "memory";
  int a = child(t, 0, Mode::fresh, first);
  int broken = child(t, a, Mode::inherit, failed("wrong_result", "out[17] = 3, expected 4"));
  int b = child(t, 0, Mode::fresh, ok(6, "vectorised the inner loop"));
  (void)broken;
  auto code_of = [](int id) { return "void k() { /* node " + std::to_string(id) + " */ }\n"; };
  variant::PromptContext base;
  base.unit = "k";
  base.backend = "cpu";
  base.kernel_name = "k";
  base.kernel_text = "void k() { /* original */ }\n";
  base.passages.push_back({"docs/notes.md#1", "Blocking for L2", "Tile the j loop by 256."});

  auto user = [&](Expansion e) {
    return variant::compose_prompt(context_for(t, e, base, code_of)).prompt.user;
  };
  std::string siblings = user({a, Mode::compare_siblings, -1});
  CHECK_THAT(siblings, Catch::Contains("/* node 1 */"));
  CHECK_THAT(siblings, Catch::Contains("Rewrites of this version tried so far"));
  CHECK_THAT(siblings, Catch::Contains("out[17] = 3, expected 4"));
  CHECK_THAT(siblings, Catch::Contains("memory-bound at 41% of the measured copy bandwidth"));
  CHECK_THAT(siblings, Catch::Contains("### Blocking for L2 (docs/notes.md#1)"));

  std::string lineage = user({a, Mode::inherit, -1});
  CHECK_THAT(lineage, Catch::Contains("How this version came to be"));
  CHECK_THAT(lineage, Catch::Contains("interchanged the loops"));

  std::string combine = user({a, Mode::combine, b});
  CHECK_THAT(combine, Catch::Contains("The version to combine it with"));
  CHECK_THAT(combine, Catch::Contains("/* node 3 */"));
  CHECK_THAT(combine, Catch::Contains("vectorised the inner loop"));
  CHECK_THAT(combine, Catch::Contains("Rewrites already tried from these two versions"));
  CHECK_THAT(combine, Catch::Contains("out[17]"));  // a's rewrite, so it is not proposed again

  std::string fresh = user({a, Mode::fresh, -1});
  CHECK_THAT(fresh, Catch::Contains("/* original */"));
  CHECK_THAT(fresh, Catch::Contains("Start over"));
  CHECK_THAT(fresh, Catch::Contains("Approaches already tried"));
  CHECK_THAT(fresh, Catch::Contains("interchanged the loops"));  // what was tried, not how it went
  CHECK_THAT(fresh, !Catch::Contains("out[17]"));
}
