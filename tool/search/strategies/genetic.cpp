#include "tool/search/strategies/strategies.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

// A genetic algorithm: once a population of working points exists, children of two parents
// chosen by tournament among the fastest take each parameter from either parent, and mutate
// to a neighbour now and then. A child outside the space or tried already becomes a neighbour
// of itself or of a parent, else a random point: no rejection loop over the raw product.
class Genetic final : public Strategy {
 public:
  Genetic(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)) {}
  std::string_view name() const override { return "genetic"; }

 private:
  static constexpr std::size_t k_population = 16;

  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) out.push_back(*m_start);
    m_start.reset();
    while (out.size() < count) {
      std::optional<space::Point> p;
      if (m_ok.size() >= 4) p = child();
      if (!p) p = random_untaken();
      if (!p) return;
      take(*p);
      out.push_back(std::move(*p));
    }
  }

  void learn(const Observation& o) override {
    if (!o.ok) return;
    m_ok.push_back({o.point, o.time_s});
    std::sort(m_ok.begin(), m_ok.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    if (m_ok.size() > k_population) m_ok.resize(k_population);
  }

  const space::Point& tournament() {
    std::size_t a = m_rng.below(m_ok.size()), b = m_rng.below(m_ok.size());
    return m_ok[std::min(a, b)].first;  // sorted: the lower index is the faster
  }

  std::optional<space::Point> child() {
    const space::Point& mother = tournament();
    const space::Point& father = tournament();
    space::Point c = mother;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (m_rng.below(2)) c[i] = father[i];
    }
    bool valid = m_space.contains(c);
    if (valid && m_rng.below(5) == 0) {  // mutation
      if (auto m = untried_neighbour(c)) return m;
    }
    if (valid && !taken(c)) return c;
    if (valid) {
      if (auto m = untried_neighbour(c)) return m;
    }
    if (auto m = untried_neighbour(mother)) return m;
    return untried_neighbour(father);
  }

  std::optional<space::Point> m_start;
  std::vector<std::pair<space::Point, double>> m_ok;  // the fastest, fastest first
};

}  // namespace

std::unique_ptr<Strategy> make_genetic(const space::Space& space, std::uint64_t seed,
                                       std::optional<space::Point> start) {
  return std::make_unique<Genetic>(space, seed, std::move(start));
}

}  // namespace kevolve::search
