#include "space/expression.hpp"

#include "util/wide.hpp"

#include <algorithm>
#include <optional>

namespace kevolve::space {

namespace {

struct Evaluator {
  std::span<const Node> nodes;
  const std::int64_t* params;
  EvalFailure& failure;

  bool fail(EvalFailure::Kind kind, std::size_t offset) {
    failure = EvalFailure{kind, offset};
    return false;
  }

  bool run(std::int32_t index, std::int64_t& out) {
    const Node& n = nodes[static_cast<std::size_t>(index)];
    std::int64_t a = 0;
    std::int64_t b = 0;
    switch (n.op) {
      case Op::constant:
        out = n.value;
        return true;
      case Op::parameter:
        out = params[n.value];
        return true;
      case Op::fact:
        out = n.value;  // resolved by the builder
        return true;
      case Op::negate:
        if (!run(n.lhs, a)) return false;
        if (a == INT64_MIN) return fail(EvalFailure::Kind::overflow, n.offset);
        out = -a;
        return true;
      case Op::logical_not:
        if (!run(n.lhs, a)) return false;
        out = a == 0;
        return true;
      case Op::logical_and:
        if (!run(n.lhs, a)) return false;
        if (a == 0) {
          out = 0;
          return true;
        }
        if (!run(n.rhs, b)) return false;
        out = b != 0;
        return true;
      case Op::logical_or:
        if (!run(n.lhs, a)) return false;
        if (a != 0) {
          out = 1;
          return true;
        }
        if (!run(n.rhs, b)) return false;
        out = b != 0;
        return true;
      default:
        break;
    }
    if (!run(n.lhs, a) || !run(n.rhs, b)) return false;
    switch (n.op) {
      case Op::add:
        if (__builtin_add_overflow(a, b, &out)) return fail(EvalFailure::Kind::overflow, n.offset);
        return true;
      case Op::subtract:
        if (__builtin_sub_overflow(a, b, &out)) return fail(EvalFailure::Kind::overflow, n.offset);
        return true;
      case Op::multiply:
        if (__builtin_mul_overflow(a, b, &out)) return fail(EvalFailure::Kind::overflow, n.offset);
        return true;
      case Op::divide:
      case Op::modulo:
        if (b == 0) return fail(EvalFailure::Kind::division_by_zero, n.offset);
        if (a == INT64_MIN && b == -1) return fail(EvalFailure::Kind::overflow, n.offset);
        out = n.op == Op::divide ? a / b : a % b;
        return true;
      case Op::less:
        out = a < b;
        return true;
      case Op::less_equal:
        out = a <= b;
        return true;
      case Op::greater:
        out = a > b;
        return true;
      case Op::greater_equal:
        out = a >= b;
        return true;
      case Op::equal:
        out = a == b;
        return true;
      case Op::not_equal:
        out = a != b;
        return true;
      default:
        return false;
    }
  }
};

using Wide = util::Int128;

struct WideInterval {
  Wide low;
  Wide high;
};

bool fits(const WideInterval& r) { return r.low >= INT64_MIN && r.high <= INT64_MAX; }

WideInterval hull(std::initializer_list<Wide> values) {
  return {std::min(values), std::max(values)};
}

// Interval of an expression, or nullopt if it may fail somewhere in the ranges.
struct RangeFinder {
  std::span<const Node> nodes;
  std::span<const Interval> ranges;

  std::optional<WideInterval> run(std::int32_t index) {
    const Node& n = nodes[static_cast<std::size_t>(index)];
    switch (n.op) {
      case Op::constant:
      case Op::fact:
        return WideInterval{n.value, n.value};
      case Op::parameter: {
        const Interval& r = ranges[static_cast<std::size_t>(n.value)];
        return WideInterval{r.low, r.high};
      }
      case Op::negate: {
        auto a = run(n.lhs);
        if (!a) return std::nullopt;
        WideInterval r{-a->high, -a->low};
        return fits(r) ? std::optional(r) : std::nullopt;
      }
      case Op::logical_not:
      case Op::logical_and:
      case Op::logical_or:
      case Op::less:
      case Op::less_equal:
      case Op::greater:
      case Op::greater_equal:
      case Op::equal:
      case Op::not_equal: {
        if (!run(n.lhs)) return std::nullopt;
        if (n.rhs >= 0 && !run(n.rhs)) return std::nullopt;
        return WideInterval{0, 1};
      }
      default:
        break;
    }
    auto a = run(n.lhs);
    auto b = run(n.rhs);
    if (!a || !b) return std::nullopt;
    WideInterval r{};
    switch (n.op) {
      case Op::add:
        r = {a->low + b->low, a->high + b->high};
        break;
      case Op::subtract:
        r = {a->low - b->high, a->high - b->low};
        break;
      case Op::multiply:
        r = hull({a->low * b->low, a->low * b->high, a->high * b->low, a->high * b->high});
        break;
      case Op::divide:
        if (b->low <= 0 && b->high >= 0) return std::nullopt;
        // Truncating division is monotonic in each argument on a divisor range of one sign.
        r = hull({a->low / b->low, a->low / b->high, a->high / b->low, a->high / b->high});
        break;
      case Op::modulo: {
        if (b->low <= 0 && b->high >= 0) return std::nullopt;
        Wide bound = (b->low > 0 ? b->high : -b->low) - 1;  // |a % b| < |b|
        r = {a->low < 0 ? -bound : 0, a->high > 0 ? bound : 0};
        break;
      }
      default:
        return std::nullopt;
    }
    return fits(r) ? std::optional(r) : std::nullopt;
  }
};

}  // namespace

bool evaluate(std::span<const Node> nodes, std::int32_t root, const std::int64_t* params,
              std::int64_t& result, EvalFailure& failure) {
  return Evaluator{nodes, params, failure}.run(root, result);
}

bool may_fail(std::span<const Node> nodes, std::int32_t root, std::span<const Interval> ranges) {
  return !RangeFinder{nodes, ranges}.run(root).has_value();
}

}  // namespace kevolve::space
