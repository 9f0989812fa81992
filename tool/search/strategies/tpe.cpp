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

// TPE search: the next point is, among random valid points and untried neighbours of the best
// ones, the one the value model scores highest.
class Tpe final : public Strategy {
 public:
  Tpe(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)), m_model(s) {}
  std::string_view name() const override { return "tpe"; }

 private:
  static constexpr std::size_t k_startup = 10;  // uniform samples before the model
  static constexpr std::size_t k_random_candidates = 128;

  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) out.push_back(*m_start);
    m_start.reset();
    while (out.size() < count) {
      std::optional<space::Point> p;
      if (m_model.size() >= k_startup) p = best_candidate();
      if (!p) p = random_untaken();
      if (!p) return;
      take(*p);
      out.push_back(std::move(*p));
    }
  }

  void learn(const Observation& o) override { m_model.add(o); }

  std::optional<space::Point> best_candidate() {
    std::vector<space::Point> candidates;
    for (std::size_t i = 0; i < k_random_candidates; ++i) {
      if (auto p = random_untaken()) candidates.push_back(std::move(*p));
    }
    const auto& results = m_model.results();
    std::vector<std::size_t> best;  // the fastest few, for their neighbours
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (std::isfinite(results[i].second)) best.push_back(i);
    }
    std::sort(best.begin(), best.end(),
              [&](std::size_t a, std::size_t b) { return results[a].second < results[b].second; });
    if (best.size() > 3) best.resize(3);
    for (std::size_t i : best) {
      for (space::Point& n : m_space.neighbours(results[i].first)) {
        if (!taken(n)) candidates.push_back(std::move(n));
      }
    }
    std::optional<space::Point> choice;
    double top = -std::numeric_limits<double>::infinity();
    for (space::Point& c : candidates) {
      double score = m_model.score(c) + 1e-9 * m_rng.uniform();
      if (score > top) {
        top = score;
        choice = std::move(c);
      }
    }
    return choice;
  }

  std::optional<space::Point> m_start;
  ValueModel m_model;
};

}  // namespace

std::unique_ptr<Strategy> make_tpe(const space::Space& space, std::uint64_t seed,
                                   std::optional<space::Point> start) {
  return std::make_unique<Tpe>(space, seed, std::move(start));
}

}  // namespace kevolve::search
