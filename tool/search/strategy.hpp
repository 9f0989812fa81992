#pragma once

// Search strategies (docs/design.md §9) behind one interface: propose the next batch of points
// given what was observed; learn from failures. Every strategy moves inside the constrained space
// (the space engine's indices, samples and neighbours), never proposes a point twice, and is
// deterministic for a seed. Each strategy lives in strategies/, one file each; registry.hpp
// makes them by name.

#include "space/space.hpp"
#include "util/random.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace kevolve::search {

struct Observation {
  space::Point point;
  bool ok = false;    // built, verified and timed
  double time_s = 0;  // when ok
};

class Strategy {
 public:
  Strategy(const space::Space& space, std::uint64_t seed) : m_space(space), m_rng(seed) {}
  virtual ~Strategy() = default;

  virtual std::string_view name() const = 0;

  // Up to `count` points never proposed or observed before; fewer, or none, when the strategy
  // has nothing left to try.
  std::vector<space::Point> propose(std::size_t count);
  // A result, of a point proposed now or evaluated before (a resumed run replays its log).
  void observe(const Observation& o);

  std::uint64_t seen() const { return m_seen.size(); }
  // Marks a point as taken without a result: an ensemble's member must not propose a point
  // another member has in flight.
  void exclude(const space::Point& p) { take(p); }

 protected:
  virtual void next(std::size_t count, std::vector<space::Point>& out) = 0;
  virtual void learn(const Observation& o) = 0;

  // Marks a point as taken; false if it was already.
  bool take(const space::Point& p) { return m_seen.insert(index(p)).second; }
  bool taken(const space::Point& p) const { return m_seen.count(index(p)) > 0; }
  std::uint64_t index(const space::Point& p) const { return *m_space.index_of(p); }
  // A uniformly random point not taken yet, or nullopt when all are.
  std::optional<space::Point> random_untaken();
  // A random one-parameter neighbour of `p` not taken yet, or nullopt.
  std::optional<space::Point> untried_neighbour(const space::Point& p);

  const space::Space& m_space;
  util::Rng m_rng;

 private:
  std::unordered_set<std::uint64_t> m_seen;
};

}  // namespace kevolve::search
