#pragma once

// Evaluation of constraint expressions with C's integer semantics on 64-bit values: / and %
// truncate toward zero, comparisons and logical operators give 0 or 1, && and || short-circuit.
// Where C would have undefined behaviour (division by zero, signed overflow) evaluation fails
// and says where.

#include "space/spec.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace kevolve::space {

struct EvalFailure {
  enum class Kind { division_by_zero, overflow } kind = Kind::overflow;
  std::size_t offset = 0;  // the operator that failed
};

// Evaluates `nodes[root]` with parameter values `params` (indexed like the spec's parameters).
// Fact nodes must have been replaced by constants. Returns false and fills `failure` when the
// evaluation fails.
bool evaluate(std::span<const Node> nodes, std::int32_t root, const std::int64_t* params,
              std::int64_t& result, EvalFailure& failure);

// A closed range of values an expression can take.
struct Interval {
  std::int64_t low = 0;
  std::int64_t high = 0;
};

// Whether evaluating `nodes[root]` can fail for some combination of parameter values within
// `ranges` (one interval per parameter). Conservative: true means "may fail".
bool may_fail(std::span<const Node> nodes, std::int32_t root, std::span<const Interval> ranges);

}  // namespace kevolve::space
