#include "tool/agent/context.hpp"

#include <utility>

namespace kevolve::agent {

variant::Attempt attempt_of(const Result& r) {
  variant::Attempt a;
  a.status = r.status;
  a.message = r.message;
  a.time_s = r.time_s;
  a.params = r.params;
  a.explanation = r.explanation;
  a.diagnosis = r.diagnosis;
  return a;
}

variant::PromptContext context_for(const Tree& tree, const Expansion& expansion,
                                   variant::PromptContext base, const CodeOf& code_of) {
  const Mode mode = expansion.mode;
  const Node& node = tree.node(mode == Mode::fresh ? 0 : expansion.node);
  base.mode = std::string(name_of(mode));
  if (node.id > 0) base.kernel_text = code_of(node.id);
  const Result& r = node.result;
  if (r.ok()) {
    base.best_s = *r.time_s;
    base.best_params = r.params;
  }
  base.bound = r.bound;
  base.peak_percent = r.peak_percent;
  base.diagnosis = r.diagnosis;
  base.attempts.clear();
  if (mode == Mode::inherit) {
    for (int id : tree.lineage(node.id)) base.attempts.push_back(attempt_of(tree.node(id).result));
  } else if (mode == Mode::compare_siblings) {
    for (int id : node.children) {
      if (tree.node(id).result.status != "pending")
        base.attempts.push_back(attempt_of(tree.node(id).result));
    }
  } else if (mode == Mode::fresh) {
    // Not their results, only what was tried: a fresh start should not repeat an approach.
    for (const Node& n : tree.nodes()) {
      if (n.id > 0 && n.result.status != "pending") {
        variant::Attempt a;
        a.status = n.result.status;
        a.explanation = n.result.explanation;
        base.attempts.push_back(std::move(a));
      }
    }
  } else if (mode == Mode::combine && expansion.partner >= 0) {
    base.partner_text = code_of(expansion.partner);
    base.partner = attempt_of(tree.node(expansion.partner).result);
    // What was already tried from either version, so that the merge is not one of them.
    for (int from : {node.id, expansion.partner}) {
      for (int id : tree.node(from).children) {
        if (tree.node(id).result.status != "pending")
          base.attempts.push_back(attempt_of(tree.node(id).result));
      }
    }
  }
  return base;
}

}  // namespace kevolve::agent
