#include "space/any_device.hpp"

#include "space/expression.hpp"

#include <algorithm>
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
  std::vector<Interval> ranges(spec.parameters.size());
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const Parameter& p = spec.parameters[i];
    if (!p.is_integer() || p.values.empty()) continue;
    ranges[i] = Interval{p.values.front().integer(), p.values.front().integer()};
    for (const Value& v : p.values) {
      ranges[i].low = std::min(ranges[i].low, v.integer());
      ranges[i].high = std::max(ranges[i].high, v.integer());
    }
  }
  std::vector<Constraint> kept;
  bool seen_fact = false;
  for (const Constraint& c : spec.constraints) {
    if (reads_fact(spec, c.root)) {
      seen_fact = true;
    } else if (!seen_fact || !may_fail(spec.nodes, c.root, ranges)) {
      kept.push_back(c);
    }
  }
  if (!seen_fact) return Space::build(std::move(spec), Facts{}, limits);
  return Space::build(with_conjuncts(std::move(spec), std::move(kept)), Facts{}, limits);
}

}  // namespace kevolve::space
