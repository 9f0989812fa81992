#include "tool/search/strategies/strategies.hpp"

#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

// Greedy iterated local search: evaluate all neighbours of the current point (one parameter
// changed), move to the best if it improves, else restart from a perturbation of the best
// point so far (a few random neighbour steps) or, when that is exhausted, a random point.
// Failed points are simply not better: their neighbourhoods are not explored.
class Ils final : public Strategy {
 public:
  Ils(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)) {}
  std::string_view name() const override { return "ils"; }

 private:
  struct Known {
    bool ok;
    double time;
  };

  void next(std::size_t count, std::vector<space::Point>& out) override {
    while (out.size() < count) {
      if (!m_current) {
        if (!choose_start(out)) return;
        if (!m_current) return;  // its result must come back first
        continue;
      }
      if (m_frontier.empty() && !refill()) {
        if (!m_pending.empty()) return;  // wait for the neighbours in flight
        move_or_restart();
        continue;
      }
      while (out.size() < count && !m_frontier.empty()) {
        space::Point p = std::move(m_frontier.back());
        m_frontier.pop_back();
        if (take(p)) {
          m_pending.insert(index(p));
          out.push_back(std::move(p));
        }
      }
    }
  }

  void learn(const Observation& o) override {
    std::uint64_t i = index(o.point);
    m_known[i] = {o.ok, o.time_s};
    m_pending.erase(i);
    if (o.ok && (!m_best || o.time_s < m_best_time)) {
      m_best = o.point;
      m_best_time = o.time_s;
    }
    if (m_waiting && i == index(*m_waiting)) {
      m_waiting.reset();
      if (o.ok) {
        m_current = o.point;
        m_current_time = o.time_s;
        m_neighbours_listed = false;
      }
    }
  }

  // Proposes a starting point (its result sets m_current); false when nothing is left.
  bool choose_start(std::vector<space::Point>& out) {
    if (m_waiting) return false;
    std::optional<space::Point> p;
    if (m_start) {
      p = std::move(m_start);
      m_start.reset();
      if (taken(*p)) {  // evaluated before (a resumed run): start from what is known of it
        auto known = m_known.find(index(*p));
        if (known != m_known.end() && known->second.ok) {
          m_current = *p;
          m_current_time = known->second.time;
          m_neighbours_listed = false;
          return true;
        }
        p.reset();
      }
    }
    if (!p) p = perturbation();
    if (!p) p = random_untaken();
    if (!p) return false;
    take(*p);
    m_waiting = *p;
    out.push_back(*p);
    return true;
  }

  bool refill() {
    if (m_neighbours_listed) return false;
    m_neighbours_listed = true;
    for (space::Point& n : m_space.neighbours(*m_current)) {
      if (!taken(n)) m_frontier.push_back(std::move(n));
    }
    for (std::size_t i = m_frontier.size(); i > 1; --i)
      std::swap(m_frontier[i - 1], m_frontier[m_rng.below(i)]);
    return !m_frontier.empty();
  }

  void move_or_restart() {
    std::optional<space::Point> better;
    double best = m_current_time;
    for (const space::Point& n : m_space.neighbours(*m_current)) {
      auto k = m_known.find(index(n));
      if (k != m_known.end() && k->second.ok && k->second.time < best) {
        best = k->second.time;
        better = n;
      }
    }
    if (better) {
      m_current = *better;
      m_current_time = best;
    } else {
      m_current.reset();  // a local optimum: restart
    }
    m_neighbours_listed = false;
  }

  // A few random neighbour steps from the best point so far, to an untaken point.
  std::optional<space::Point> perturbation() {
    if (!m_best) return std::nullopt;
    for (int attempt = 0; attempt < 8; ++attempt) {
      space::Point p = *m_best;
      for (int step = 0; step < 3; ++step) {
        auto n = m_space.neighbours(p);
        if (n.empty()) break;
        p = n[m_rng.below(n.size())];
      }
      if (!taken(p)) return p;
    }
    return std::nullopt;
  }

  std::optional<space::Point> m_start;
  std::optional<space::Point> m_current;
  double m_current_time = 0;
  std::optional<space::Point> m_waiting;
  std::vector<space::Point> m_frontier;
  std::unordered_set<std::uint64_t> m_pending;
  bool m_neighbours_listed = false;
  std::unordered_map<std::uint64_t, Known> m_known;
  std::optional<space::Point> m_best;
  double m_best_time = std::numeric_limits<double>::infinity();
};

}  // namespace

std::unique_ptr<Strategy> make_ils(const space::Space& space, std::uint64_t seed,
                                   std::optional<space::Point> start) {
  return std::make_unique<Ils>(space, seed, std::move(start));
}

}  // namespace kevolve::search
