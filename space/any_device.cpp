#include "space/any_device.hpp"

#include <utility>
#include <vector>

namespace kevolve::space {

namespace {

// Iterative: the parser bounds an expression's depth, but a walk need not rely on it.
bool reads_fact(const SpaceSpec& spec, std::int32_t root) {
  std::vector<std::int32_t> pending{root};
  while (!pending.empty()) {
    std::int32_t i = pending.back();
    pending.pop_back();
    if (i < 0 || static_cast<std::size_t>(i) >= spec.nodes.size()) continue;
    const Node& node = spec.nodes[static_cast<std::size_t>(i)];
    if (node.op == Op::fact) return true;
    pending.push_back(node.lhs);
    pending.push_back(node.rhs);
  }
  return false;
}

// `spec` with only the conjuncts `kept`; its fact nodes, which none of them reads, become
// constants so that the build asks for no fact.
SpaceSpec with_conjuncts(SpaceSpec spec, std::vector<Constraint> kept) {
  spec.constraints = std::move(kept);
  for (Node& node : spec.nodes) {
    if (node.op != Op::fact) continue;
    node.op = Op::constant;
    node.value = 0;
    node.fact.clear();
  }
  return spec;
}

}  // namespace

bool reads_facts(const SpaceSpec& spec) {
  for (const Constraint& c : spec.constraints) {
    if (reads_fact(spec, c.root)) return true;
  }
  return false;
}

util::Expected<Space, SpaceError> build_for_any_device(SpaceSpec spec, const BuildLimits& limits) {
  std::vector<Constraint> fact_free;
  std::vector<Constraint> before_facts;
  bool seen_fact = false;
  for (const Constraint& c : spec.constraints) {
    if (reads_fact(spec, c.root)) {
      seen_fact = true;
      continue;
    }
    fact_free.push_back(c);
    if (!seen_fact) before_facts.push_back(c);
  }
  if (!seen_fact) return Space::build(std::move(spec), Facts{}, limits);
  auto built = Space::build(with_conjuncts(spec, std::move(fact_free)), Facts{}, limits);
  if (built) return built;
  return Space::build(with_conjuncts(std::move(spec), std::move(before_facts)), Facts{}, limits);
}

}  // namespace kevolve::space
