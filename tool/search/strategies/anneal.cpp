#include "tool/search/strategies/strategies.hpp"
#include "tool/search/strategies/value_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

// Simulated annealing over one-parameter neighbours: propose untried neighbours of the current
// point; move to a result that is faster, or slower with a probability that falls as the
// temperature (relative to the current time) cools. Failed points are never moved to. A point
// without untried neighbours restarts from a random one. Guided (as the bandit's member), it
// mostly proposes the untried neighbour the value model scores highest instead of a random one.
class Anneal final : public Strategy {
 public:
  Anneal(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start,
         bool guided = false)
      : Strategy(s, seed), m_start(std::move(start)), m_model(s), m_guided(guided) {}
  std::string_view name() const override { return "anneal"; }

 private:
  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) out.push_back(*m_start);
    m_start.reset();
    while (out.size() < count) {
      std::optional<space::Point> p;
      if (m_current) {
        p = m_guided && m_model.size() >= 10 && m_rng.uniform() < 0.75
                ? likeliest_neighbour(*m_current)
                : untried_neighbour(*m_current);
        if (!p) m_current.reset();  // exhausted here: restart
      }
      if (!p) p = random_untaken();
      if (!p) return;
      take(*p);
      out.push_back(std::move(*p));
    }
  }

  std::optional<space::Point> likeliest_neighbour(const space::Point& p) {
    std::optional<space::Point> choice;
    double top = -std::numeric_limits<double>::infinity();
    for (space::Point& n : m_space.neighbours(p)) {
      if (taken(n)) continue;
      double score = m_model.score(n) + 1e-9 * m_rng.uniform();
      if (score > top) {
        top = score;
        choice = std::move(n);
      }
    }
    return choice;
  }

  void learn(const Observation& o) override {
    if (m_guided) m_model.add(o);
    m_temperature *= 0.97;
    if (!o.ok) return;
    bool accept = !m_current || o.time_s < m_current_time;
    if (!accept) {
      double worse = (o.time_s - m_current_time) / m_current_time;
      accept = m_rng.uniform() < std::exp(-worse / std::max(m_temperature, 1e-9));
    }
    if (accept) {
      m_current = o.point;
      m_current_time = o.time_s;
    }
  }

  std::optional<space::Point> m_start;
  std::optional<space::Point> m_current;
  double m_current_time = 0;
  double m_temperature = 0.1;  // a move 10% slower is accepted with probability 1/e at first
  ValueModel m_model;
  bool m_guided = false;
};

}  // namespace

std::unique_ptr<Strategy> make_anneal(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start) {
  return std::make_unique<Anneal>(space, seed, std::move(start));
}

std::unique_ptr<Strategy> make_guided_anneal(const space::Space& space, std::uint64_t seed) {
  return std::make_unique<Anneal>(space, seed, std::nullopt, /*guided=*/true);
}

}  // namespace kevolve::search
