#pragma once

// The valid points of a space for one device: counted, enumerated, sampled uniformly, and
// walked one parameter at a time, without ever building the raw cross product.

#include "space/error.hpp"
#include "space/facts.hpp"
#include "space/spec.hpp"
#include "util/expected.hpp"
#include "util/random.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kevolve::space {

// A point: for each parameter, in declaration order, the index of its value.
using Point = std::vector<std::uint16_t>;

struct BuildLimits {
  // Most trie nodes one build may store (about 14 bytes each).
  std::uint64_t max_nodes = std::uint64_t{1} << 25;
  // Most constraint evaluations one build may spend enumerating its groups (about 10 ns each):
  // two parameters of 65,536 values tied by one constraint would take 4.3 billion.
  std::uint64_t max_evaluations = std::uint64_t{1} << 30;
};

class Space {
 public:
  static util::Expected<Space, SpaceError> build(SpaceSpec spec, const Facts& facts,
                                                 const BuildLimits& limits = {});
  // A space whose valid points are listed rather than constrained (a recorded brute-force
  // search): `spec` names the parameters and their values, `points` are the valid ones (in any
  // order; duplicates count once; at least one). All parameters form one group.
  static Space from_points(SpaceSpec spec, std::vector<Point> points);

  const SpaceSpec& spec() const { return m_spec; }
  std::span<const Parameter> parameters() const { return m_spec.parameters; }

  std::uint64_t raw_size() const { return m_raw_size; }  // before constraints
  std::uint64_t size() const { return m_size; }          // valid points

  // Points are numbered 0..size()-1; the last declared parameters vary fastest.
  Point at(std::uint64_t index) const;
  std::optional<std::uint64_t> index_of(const Point& point) const;
  bool contains(const Point& point) const { return index_of(point).has_value(); }

  Point sample(util::Rng& rng) const;
  // `count` different points chosen uniformly, in random order (all points if count >= size).
  std::vector<Point> sample_distinct(std::uint64_t count, util::Rng& rng) const;
  // The valid points that differ from `point` in exactly one parameter.
  std::vector<Point> neighbours(const Point& point) const;

  const Value& value(const Point& point, std::size_t parameter) const {
    return m_spec.parameters[parameter].values[point[parameter]];
  }
  std::optional<std::uint16_t> find_value(std::size_t parameter, const Value& value) const;
  std::string format(const Point& point) const;  // "BLOCK=256 ITEMS=4"

  // For each value of `parameter`, whether some valid point has it.
  std::vector<bool> values_in_use(std::size_t parameter) const;

  // Parameters that constraints tie together, each group in declaration order.
  std::vector<std::vector<std::size_t>> groups() const;
  // The facts the constraints read, with the values used.
  const std::map<std::string, std::int64_t>& used_facts() const { return m_used_facts; }

  struct Level {
    std::vector<std::uint16_t> value;        // value index of each node
    std::vector<std::uint32_t> first_child;  // inner levels: where its children start (+ end)
    std::vector<std::uint64_t> first_leaf;   // inner levels: rank of its first leaf
  };
  struct Group {
    std::vector<std::size_t> order;  // one parameter per trie level
    std::vector<Level> levels;
    std::uint64_t count = 0;
    std::uint64_t stride = 1;
  };

 private:
  friend class Builder;
  std::optional<std::uint64_t> rank_in_group(const Group& group, const Point& point) const;
  void unrank_in_group(const Group& group, std::uint64_t rank, Point& point) const;

  SpaceSpec m_spec;
  std::uint64_t m_raw_size = 1;
  std::uint64_t m_size = 1;
  std::vector<Group> m_groups;
  std::vector<std::size_t> m_group_of;  // per parameter
  std::map<std::string, std::int64_t> m_used_facts;
};

// Parses and builds in one step.
util::Expected<Space, SpaceError> make_space(std::string_view text, const Facts& facts,
                                             const BuildLimits& limits = {});

}  // namespace kevolve::space
