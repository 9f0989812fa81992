#include "space/space.hpp"

// How this works (after ATF's chain of trees): constraints tie parameters into groups (union
// of the parameters each conjunct reads); groups are independent, so the valid space is the
// product of each group's valid combinations. Each group is enumerated once by depth-first
// search over its parameters, checking every conjunct at the first level where all its
// parameters are bound, and stored as a trie (one array per level). Every inner node records
// the rank of its first leaf, so the trie maps ranks to points and back in O(depth log
// fan-out); a point's index is a mixed-radix number over group ranks. Uniform sampling draws
// an index; neighbours are membership tests in one group's trie.
//
// Constraints are evaluated like C's &&: a conjunct is reached only when all earlier ones hold.
// A conjunct that may divide by zero or overflow (found by interval analysis over the
// parameters' ranges) is searched separately: the space is an error if some point satisfies
// every earlier conjunct and makes it fail.

#include "space/expression.hpp"
#include "space/parser.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <tuple>
#include <unordered_set>

namespace kevolve::space {

namespace {

struct BuildFailure {
  SpaceError error;
};

[[noreturn]] void fail_build(std::size_t offset, std::string message, std::string note = {}) {
  throw BuildFailure{SpaceError{offset, std::move(message), std::move(note)}};
}

std::string join_names(const SpaceSpec& spec, std::span<const std::size_t> params) {
  std::string out;
  for (std::size_t p : params) out += (out.empty() ? "" : ", ") + spec.parameters[p].name;
  return out;
}

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : m_parent(n) {
    std::iota(m_parent.begin(), m_parent.end(), 0);
  }
  std::size_t find(std::size_t x) {
    while (m_parent[x] != x) x = m_parent[x] = m_parent[m_parent[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) m_parent[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::size_t> m_parent;
};

}  // namespace

class Builder {
 public:
  Builder(Space& space, const Facts& facts, const BuildLimits& limits)
      : m_space(space), m_spec(space.m_spec), m_facts(facts), m_limits(limits) {}

  void run() {
    compute_raw_size();
    resolve_facts();
    collect_integers();
    check_constant_conjuncts();
    classify_conjuncts();
    form_groups();
    for (std::size_t g = 0; g < m_space.m_groups.size(); ++g) build_group(g);
    std::uint64_t stride = 1;
    for (auto it = m_space.m_groups.rbegin(); it != m_space.m_groups.rend(); ++it) {
      it->stride = stride;
      stride *= it->count;  // cannot overflow: valid <= raw
    }
    m_space.m_size = stride;
  }

 private:
  void compute_raw_size() {
    std::uint64_t raw = 1;
    for (const Parameter& p : m_spec.parameters) {
      if (__builtin_mul_overflow(raw, p.values.size(), &raw)) {
        fail_build(p.offset, "the space has more than 2^64 points before constraints");
      }
    }
    m_space.m_raw_size = raw;
  }

  void resolve_facts() {
    for (Node& node : m_spec.nodes) {
      if (node.op != Op::fact) continue;
      auto value = m_facts.get(node.fact);
      if (!value) {
        std::string known;
        for (const auto& [name, v] : m_facts.values) known += (known.empty() ? "" : ", ") + name;
        fail_build(node.offset,
                   fmt::format("hardware fact '{}' is not known for {}", node.fact,
                               m_facts.device.empty() ? "this device" : m_facts.device),
                   fmt::format("facts known there: {}", known.empty() ? "none" : known));
      }
      node.value = *value;
      m_space.m_used_facts[node.fact] = *value;
    }
  }

  void collect_integers() {
    m_values.resize(m_spec.parameters.size());
    m_ranges.resize(m_spec.parameters.size());
    for (std::size_t i = 0; i < m_spec.parameters.size(); ++i) {
      const Parameter& p = m_spec.parameters[i];
      if (!p.is_integer()) continue;
      for (const Value& v : p.values) m_values[i].push_back(v.integer());
      auto [lo, hi] = std::minmax_element(m_values[i].begin(), m_values[i].end());
      m_ranges[i] = Interval{*lo, *hi};
    }
    m_assignment.assign(m_spec.parameters.size(), 0);
  }

  std::string describe(const Constraint& c) const {
    return fmt::format("'{}'", m_spec.constraint_text(c));
  }

  void check_constant_conjuncts() {
    for (const Constraint& c : m_spec.constraints) {
      if (!c.parameters.empty()) continue;
      std::int64_t result = 0;
      EvalFailure failure;
      if (!evaluate(m_spec.nodes, c.root, m_assignment.data(), result, failure)) {
        fail_build(failure.offset,
                   fmt::format("{} in constraint {}", failure_name(failure), describe(c)));
      }
      if (result == 0) {
        fail_build(
            c.begin,
            fmt::format("constraint {} is always false: the space has no valid point", describe(c)),
            used_facts_note());
      }
    }
  }

  void classify_conjuncts() {
    m_unsafe.resize(m_spec.constraints.size());
    for (std::size_t i = 0; i < m_spec.constraints.size(); ++i) {
      m_unsafe[i] = may_fail(m_spec.nodes, m_spec.constraints[i].root, m_ranges);
    }
  }

  void form_groups() {
    std::size_t n = m_spec.parameters.size();
    UnionFind sets(n);
    for (const Constraint& c : m_spec.constraints) {
      for (std::size_t p : c.parameters) sets.unite(c.parameters.front(), p);
    }
    std::vector<int> group_of_root(n, -1);
    m_space.m_group_of.assign(n, 0);
    for (std::size_t p = 0; p < n; ++p) {
      std::size_t root = sets.find(p);
      if (group_of_root[root] < 0) {
        group_of_root[root] = static_cast<int>(m_space.m_groups.size());
        m_space.m_groups.emplace_back();
        m_members.emplace_back();
        m_conjuncts.emplace_back();
      }
      std::size_t g = static_cast<std::size_t>(group_of_root[root]);
      m_space.m_group_of[p] = g;
      m_members[g].push_back(p);
    }
    for (std::size_t i = 0; i < m_spec.constraints.size(); ++i) {
      const Constraint& c = m_spec.constraints[i];
      if (!c.parameters.empty()) m_conjuncts[m_space.m_group_of[c.parameters.front()]].push_back(i);
    }
  }

  // Parameter order for a group's search: bind next the parameter that lets the most conjuncts
  // be checked, so that pruning happens as high in the tree as possible.
  std::vector<std::size_t> choose_order(std::size_t g) const {
    const auto& members = m_members[g];
    std::vector<bool> bound(m_spec.parameters.size(), false);
    std::vector<std::size_t> order;
    while (order.size() < members.size()) {
      std::size_t best = 0;
      std::tuple<int, int, std::int64_t> best_score{-1, -1, 0};
      for (std::size_t p : members) {
        if (bound[p]) continue;
        int completed = 0;
        int involved = 0;
        for (std::size_t ci : m_conjuncts[g]) {
          const auto& params = m_spec.constraints[ci].parameters;
          if (!std::binary_search(params.begin(), params.end(), p)) continue;
          ++involved;
          completed += std::all_of(params.begin(), params.end(),
                                   [&](std::size_t q) { return q == p || bound[q]; });
        }
        // Ties go to declaration order, which is also the order users read lists in.
        auto score = std::make_tuple(completed, involved, -static_cast<std::int64_t>(p));
        if (score > best_score) {
          best_score = score;
          best = p;
        }
      }
      bound[best] = true;
      order.push_back(best);
    }
    return order;
  }

  void build_group(std::size_t g) {
    Space::Group& group = m_space.m_groups[g];
    group.order = choose_order(g);
    std::size_t depth = group.order.size();
    std::vector<std::size_t> level_of(m_spec.parameters.size(), 0);
    for (std::size_t l = 0; l < depth; ++l) level_of[group.order[l]] = l;
    m_checks.assign(depth, {});
    for (std::size_t ci : m_conjuncts[g]) {
      std::size_t level = 0;
      for (std::size_t p : m_spec.constraints[ci].parameters) level = std::max(level, level_of[p]);
      m_checks[level].push_back(ci);
    }
    m_order = group.order;

    for (std::size_t ci : m_conjuncts[g]) {
      if (m_unsafe[ci]) search_failure(ci, 0, std::nullopt);
    }

    group.levels.assign(depth, {});
    m_levels = &group.levels;
    std::uint64_t nodes_before = m_nodes;
    group.count = build_level(0);
    for (std::size_t l = 0; l + 1 < depth; ++l) {
      group.levels[l].first_child.push_back(
          static_cast<std::uint32_t>(group.levels[l + 1].value.size()));
    }
    if (group.count == 0) report_empty(g);
    KEVOLVE_LOG("space: group {} ({}): {} valid combinations, {} conjuncts, {} trie nodes", g,
                join_names(m_spec, group.order), group.count, m_conjuncts[g].size(),
                m_nodes - nodes_before);
  }

  bool holds(std::size_t ci) {
    std::int64_t result = 0;
    EvalFailure failure;
    return evaluate_counted(ci, result, failure) && result != 0;
  }

  bool evaluate_counted(std::size_t ci, std::int64_t& result, EvalFailure& failure) {
    if (++m_evaluations > m_limits.max_evaluations) report_too_slow();
    return evaluate(m_spec.nodes, m_spec.constraints[ci].root, m_assignment.data(), result,
                    failure);
  }

  void bind(std::size_t level, std::size_t value_index) {
    std::size_t p = m_order[level];
    if (!m_values[p].empty()) m_assignment[p] = m_values[p][value_index];
  }

  std::uint64_t build_level(std::size_t level) {
    std::size_t p = m_order[level];
    bool leaf = level + 1 == m_order.size();
    auto& levels = *m_levels;
    std::uint64_t added = 0;
    for (std::size_t vi = 0; vi < m_spec.parameters[p].values.size(); ++vi) {
      bind(level, vi);
      bool ok = std::all_of(m_checks[level].begin(), m_checks[level].end(),
                            [&](std::size_t ci) { return holds(ci); });
      if (!ok) continue;
      if (++m_nodes > m_limits.max_nodes) report_too_large();
      levels[level].value.push_back(static_cast<std::uint16_t>(vi));
      if (leaf) {
        ++added;
        continue;
      }
      levels[level].first_child.push_back(
          static_cast<std::uint32_t>(levels[level + 1].value.size()));
      levels[level].first_leaf.push_back(levels.back().value.size());
      std::uint64_t below = build_level(level + 1);
      if (below == 0) {
        --m_nodes;
        levels[level].value.pop_back();
        levels[level].first_child.pop_back();
        levels[level].first_leaf.pop_back();
      }
      added += below;
    }
    return added;
  }

  // Is there a point where every conjunct before `target` holds and `target` fails?
  void search_failure(std::size_t target, std::size_t level, std::optional<EvalFailure> pending) {
    for (std::size_t vi = 0; vi < m_spec.parameters[m_order[level]].values.size(); ++vi) {
      bind(level, vi);
      std::optional<EvalFailure> failure = pending;
      bool ok = true;
      for (std::size_t ci : m_checks[level]) {
        if (ci < target) {
          ok = holds(ci);
        } else if (ci == target) {
          std::int64_t result = 0;
          EvalFailure f;
          if (evaluate_counted(ci, result, f)) {
            ok = false;  // it evaluates here, whatever else is bound below
          } else {
            failure = f;
          }
        }
        if (!ok) break;
      }
      if (!ok) continue;
      if (level + 1 < m_order.size()) {
        search_failure(target, level + 1, failure);
      } else if (failure) {
        report_failure(target, *failure);
      }
    }
  }

  static std::string_view failure_name(const EvalFailure& f) {
    return f.kind == EvalFailure::Kind::division_by_zero ? "division by zero" : "integer overflow";
  }

  [[noreturn]] void report_failure(std::size_t ci, const EvalFailure& f) {
    const Constraint& c = m_spec.constraints[ci];
    std::string values;
    for (std::size_t p : c.parameters) {
      values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", m_spec.parameters[p].name,
                            m_assignment[p]);
    }
    fail_build(f.offset,
               fmt::format("{} in constraint {} for {}", failure_name(f), describe(c), values),
               "constraints are evaluated left to right like C's &&: guard the operation with an "
               "earlier condition, e.g. 'require D != 0 && N % D == 0'");
  }

  [[noreturn]] void report_empty(std::size_t g) {
    const auto& conjuncts = m_conjuncts[g];
    const Constraint& first = m_spec.constraints[conjuncts.front()];
    std::string list;
    for (std::size_t ci : conjuncts) {
      list += fmt::format("{}{}", list.empty() ? "" : ", ", describe(m_spec.constraints[ci]));
    }
    std::uint64_t combinations = 1;
    for (std::size_t p : m_members[g]) combinations *= m_spec.parameters[p].values.size();
    fail_build(first.begin,
               fmt::format("no point satisfies the constraints: none of the {} combinations of {} "
                           "passes {}",
                           combinations, join_names(m_spec, m_members[g]), list),
               used_facts_note());
  }

  [[noreturn]] void report_too_large() {
    fail_build(m_spec.parameters[m_order.front()].offset,
               fmt::format("the constraints on {} leave more than {} combinations to store",
                           join_names(m_spec, m_order), m_limits.max_nodes),
               "split the parameters into groups that fewer constraints tie together");
  }

  [[noreturn]] void report_too_slow() {
    fail_build(
        m_spec.parameters[m_order.front()].offset,
        fmt::format("the constraints on {} need more than {} evaluations to enumerate",
                    join_names(m_spec, m_order), m_limits.max_evaluations),
        "narrow the parameters' ranges, or split them into groups that fewer constraints tie "
        "together");
  }

  std::string used_facts_note() const {
    if (m_space.m_used_facts.empty()) return {};
    std::string facts;
    for (const auto& [name, value] : m_space.m_used_facts) {
      facts += fmt::format("{}{} = {}", facts.empty() ? "" : ", ", name, value);
    }
    return fmt::format("hardware facts used: {} ({})", facts,
                       m_facts.device.empty() ? "this device" : m_facts.device);
  }

  Space& m_space;
  SpaceSpec& m_spec;
  const Facts& m_facts;
  const BuildLimits& m_limits;

  std::vector<std::vector<std::int64_t>> m_values;  // integer values per parameter
  std::vector<Interval> m_ranges;
  std::vector<std::int64_t> m_assignment;
  std::vector<bool> m_unsafe;
  std::vector<std::vector<std::size_t>> m_members;    // per group, declaration order
  std::vector<std::vector<std::size_t>> m_conjuncts;  // per group

  // State of the group being built.
  std::vector<std::size_t> m_order;
  std::vector<std::vector<std::size_t>> m_checks;  // conjuncts per level
  std::vector<Space::Level>* m_levels = nullptr;
  std::uint64_t m_nodes = 0;
  std::uint64_t m_evaluations = 0;
};

util::Expected<Space, SpaceError> Space::build(SpaceSpec spec, const Facts& facts,
                                               const BuildLimits& limits) {
  Space space;
  space.m_spec = std::move(spec);
  try {
    Builder(space, facts, limits).run();
  } catch (BuildFailure& failure) {
    return util::unexpected(std::move(failure.error));
  }
  return space;
}

util::Expected<Space, SpaceError> make_space(std::string_view text, const Facts& facts,
                                             const BuildLimits& limits) {
  auto spec = parse_space(text);
  if (!spec) return util::unexpected(std::move(spec).error());
  return Space::build(std::move(*spec), facts, limits);
}

void Space::unrank_in_group(const Group& group, std::uint64_t rank, Point& point) const {
  std::size_t lo = 0;
  std::size_t hi = group.levels.front().value.size();
  std::size_t last = group.levels.size() - 1;
  for (std::size_t l = 0; l < last; ++l) {
    const Level& level = group.levels[l];
    auto begin = level.first_leaf.begin();
    std::size_t n =
        static_cast<std::size_t>(std::upper_bound(begin + lo, begin + hi, rank) - begin) - 1;
    point[group.order[l]] = level.value[n];
    lo = level.first_child[n];
    hi = level.first_child[n + 1];
  }
  point[group.order[last]] = group.levels[last].value[rank];
}

std::optional<std::uint64_t> Space::rank_in_group(const Group& group, const Point& point) const {
  std::size_t lo = 0;
  std::size_t hi = group.levels.front().value.size();
  for (std::size_t l = 0; l < group.levels.size(); ++l) {
    const Level& level = group.levels[l];
    auto begin = level.value.begin();
    auto it = std::lower_bound(begin + lo, begin + hi, point[group.order[l]]);
    if (it == begin + hi || *it != point[group.order[l]]) return std::nullopt;
    std::size_t n = static_cast<std::size_t>(it - begin);
    if (l + 1 == group.levels.size()) return n;
    lo = level.first_child[n];
    hi = level.first_child[n + 1];
  }
  return std::nullopt;
}

Space Space::from_points(SpaceSpec spec, std::vector<Point> points) {
  Space space;
  space.m_spec = std::move(spec);
  const std::size_t depth = space.m_spec.parameters.size();
  for (const Parameter& p : space.m_spec.parameters) space.m_raw_size *= p.values.size();
  space.m_group_of.assign(depth, 0);
  Group& group = space.m_groups.emplace_back();
  for (std::size_t l = 0; l < depth; ++l) group.order.push_back(l);
  group.levels.assign(depth, {});
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  // Sorted points share prefixes with their predecessor: a trie in one pass, each level's
  // siblings in ascending order as rank_in_group's binary search needs them.
  const Point* previous = nullptr;
  for (const Point& point : points) {
    std::size_t shared = 0;
    while (previous && shared < depth && (*previous)[shared] == point[shared]) ++shared;
    for (std::size_t l = shared; l < depth; ++l) {
      Level& level = group.levels[l];
      level.value.push_back(point[l]);
      if (l + 1 < depth) {
        level.first_child.push_back(static_cast<std::uint32_t>(group.levels[l + 1].value.size()));
        level.first_leaf.push_back(group.levels.back().value.size());
      }
    }
    previous = &point;
  }
  for (std::size_t l = 0; l + 1 < depth; ++l) {
    group.levels[l].first_child.push_back(
        static_cast<std::uint32_t>(group.levels[l + 1].value.size()));
  }
  group.count = points.size();
  space.m_size = group.count;
  return space;
}

Point Space::at(std::uint64_t index) const {
  Point point(m_spec.parameters.size());
  for (const Group& group : m_groups) {
    unrank_in_group(group, (index / group.stride) % group.count, point);
  }
  return point;
}

std::optional<std::uint64_t> Space::index_of(const Point& point) const {
  if (point.size() != m_spec.parameters.size()) return std::nullopt;
  std::uint64_t index = 0;
  for (const Group& group : m_groups) {
    auto rank = rank_in_group(group, point);
    if (!rank) return std::nullopt;
    index += *rank * group.stride;
  }
  return index;
}

Point Space::sample(util::Rng& rng) const { return at(rng.below(m_size)); }

std::vector<Point> Space::sample_distinct(std::uint64_t count, util::Rng& rng) const {
  std::vector<std::uint64_t> indices;
  if (count >= m_size || count > m_size / 2) {
    // Dense: a partial Fisher-Yates shuffle of all indices.
    indices.resize(m_size);
    std::iota(indices.begin(), indices.end(), 0);
    count = std::min(count, m_size);
    for (std::uint64_t i = 0; i < count; ++i) {
      std::swap(indices[i], indices[i + rng.below(m_size - i)]);
    }
    indices.resize(count);
  } else {
    // Sparse: Floyd's algorithm, then a shuffle so the order is random too.
    std::unordered_set<std::uint64_t> chosen;
    for (std::uint64_t j = m_size - count; j < m_size; ++j) {
      std::uint64_t t = rng.below(j + 1);
      std::uint64_t pick = chosen.count(t) ? j : t;
      chosen.insert(pick);
      indices.push_back(pick);
    }
    for (std::uint64_t i = indices.size(); i > 1; --i) {
      std::swap(indices[i - 1], indices[rng.below(i)]);
    }
  }
  std::vector<Point> points;
  points.reserve(indices.size());
  for (std::uint64_t index : indices) points.push_back(at(index));
  return points;
}

std::vector<Point> Space::neighbours(const Point& point) const {
  std::vector<Point> result;
  Point candidate = point;
  for (std::size_t p = 0; p < m_spec.parameters.size(); ++p) {
    const Group& group = m_groups[m_group_of[p]];
    for (std::size_t vi = 0; vi < m_spec.parameters[p].values.size(); ++vi) {
      if (vi == point[p]) continue;
      candidate[p] = static_cast<std::uint16_t>(vi);
      if (rank_in_group(group, candidate)) result.push_back(candidate);
    }
    candidate[p] = point[p];
  }
  return result;
}

std::optional<std::uint16_t> Space::find_value(std::size_t parameter, const Value& value) const {
  const auto& values = m_spec.parameters[parameter].values;
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) return std::nullopt;
  return static_cast<std::uint16_t>(it - values.begin());
}

std::string Space::format(const Point& point) const {
  std::string out;
  for (std::size_t p = 0; p < point.size(); ++p) {
    out += fmt::format("{}{}={}", p ? " " : "", m_spec.parameters[p].name,
                       value(point, p).to_string());
  }
  return out;
}

std::vector<bool> Space::values_in_use(std::size_t parameter) const {
  std::vector<bool> used(m_spec.parameters[parameter].values.size(), false);
  const Group& group = m_groups[m_group_of[parameter]];
  auto level = std::find(group.order.begin(), group.order.end(), parameter) - group.order.begin();
  for (std::uint16_t v : group.levels[static_cast<std::size_t>(level)].value) used[v] = true;
  return used;
}

std::vector<std::vector<std::size_t>> Space::groups() const {
  std::vector<std::vector<std::size_t>> out(m_groups.size());
  for (std::size_t p = 0; p < m_group_of.size(); ++p) out[m_group_of[p]].push_back(p);
  return out;
}

}  // namespace kevolve::space
