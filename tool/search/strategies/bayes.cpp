#include "tool/search/encoding.hpp"
#include "tool/search/gaussian_process.hpp"
#include "tool/search/strategies/strategies.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

// Bayesian optimisation over log time with a Gaussian process (gaussian_process.hpp) over the
// points' encoding (encoding.hpp). The first few points are random, each the one of a small
// sample that lies farthest from those before it, so that they cover the space. Then each
// proposal is the point of highest expected improvement among the untried neighbours of the
// fastest few points: a local search that the model steers, which moves on to the next leader
// when one's neighbourhood is used up. Three proposals in ten, and any when no neighbour is
// left, are the best of a sample of random points instead, to find other basins. A failed
// point counts as the slowest time seen, so the model steers away from its region. Within a
// batch, and while results are out, a proposed point counts as taking its predicted time
// ("kriging believer", Ginsbourger et al. 2010), so a batch spreads out.
class Bayes final : public Strategy {
 public:
  Bayes(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)), m_encode(s), m_model(m_encode.dimensions()) {}
  std::string_view name() const override { return "bayes"; }

 private:
  static constexpr std::size_t k_startup = 10;  // random points before the model
  static constexpr std::size_t k_leaders = 5;   // whose neighbourhoods are searched
  static constexpr std::size_t k_random_candidates = 256;
  static constexpr std::size_t k_spread_candidates = 8;  // per random point before the model
  // The share of global proposals: 0.3 rather than 0.2 since the length-scale prior, which
  // made the model good enough to afford it (docs/results/search-experiments.md).
  static constexpr double k_global = 0.3;
  static constexpr std::size_t k_modelled = 300;

  struct Result {
    space::Point point;
    double log_time = 0;
    bool ok = false;
  };

  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) propose_point(*m_start, out);
    m_start.reset();
    while (out.size() < count) {
      std::optional<space::Point> p;
      if (m_ok >= 2 && m_results.size() >= k_startup && m_encode.dimensions() > 0)
        p = model_choice();
      if (!p) p = spread_untaken();
      if (!p) p = random_untaken();
      if (!p) return;
      take(*p);
      propose_point(*p, out);
    }
  }

  // Of a few random untried points, the one farthest from every point tried or out.
  std::optional<space::Point> spread_untaken() {
    std::vector<std::vector<double>> seen;
    for (const Result& r : m_results) seen.push_back(m_encode(r.point));
    for (const auto& [i, p] : m_pending) seen.push_back(m_encode(p));
    if (seen.empty()) return std::nullopt;
    std::optional<space::Point> choice;
    double far = -1;
    for (std::size_t i = 0; i < k_spread_candidates; ++i) {
      auto p = random_untaken();
      if (!p) break;
      const std::vector<double> e = m_encode(*p);
      double nearest = std::numeric_limits<double>::infinity();
      for (const auto& s : seen) nearest = std::min(nearest, squared_distance(e, s));
      if (nearest > far) {
        far = nearest;
        choice = std::move(p);
      }
    }
    return choice;
  }

  void propose_point(const space::Point& p, std::vector<space::Point>& out) {
    m_pending.emplace(index(p), p);
    out.push_back(p);
  }

  void learn(const Observation& o) override {
    m_pending.erase(index(o.point));
    m_results.push_back({o.point, o.ok ? std::log(o.time_s) : 0, o.ok});
    m_ok += o.ok ? 1 : 0;
    m_stale = true;
  }

  // The results the model sees: all of them up to k_modelled; beyond that (a fit costs the
  // cube of their number) the fastest half of that many and the latest of the others.
  std::vector<const Result*> modelled() const {
    std::vector<const Result*> all;
    for (const Result& r : m_results) all.push_back(&r);
    if (all.size() <= k_modelled) return all;
    std::vector<const Result*> by_time = all;
    std::stable_sort(by_time.begin(), by_time.end(), [](const Result* a, const Result* b) {
      return a->ok != b->ok ? a->ok : a->log_time < b->log_time;
    });
    std::vector<const Result*> out(by_time.begin(), by_time.begin() + k_modelled / 2);
    std::unordered_set<const Result*> chosen(out.begin(), out.end());
    for (auto it = all.rbegin(); it != all.rend() && out.size() < k_modelled; ++it) {
      if (!chosen.count(*it)) out.push_back(*it);
    }
    return out;
  }

  void fit(const std::vector<std::pair<space::Point, double>>& believed) {
    const std::vector<const Result*> results = modelled();
    const std::size_t n = results.size() + believed.size();
    GaussianProcess::Points x(static_cast<Eigen::Index>(n),
                              static_cast<Eigen::Index>(m_model.dimensions()));
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    double slowest = -std::numeric_limits<double>::infinity();
    for (const Result* r : results) {
      if (r->ok) slowest = std::max(slowest, r->log_time);
    }
    Eigen::Index row = 0;
    auto add = [&](const space::Point& p, double value) {
      std::vector<double> e = m_encode(p);
      for (std::size_t c = 0; c < e.size(); ++c) x(row, static_cast<Eigen::Index>(c)) = e[c];
      y(row++) = value;
    };
    for (const Result* r : results) add(r->point, r->ok ? r->log_time : slowest);
    for (const auto& [p, value] : believed) add(p, value);
    // The length scales are fitted again as the data grows by a quarter (at least 5 results).
    const bool refit = believed.empty() && m_results.size() >= m_refit_at;
    if (refit) m_refit_at = std::max(m_results.size() + 5, m_results.size() * 5 / 4);
    m_model.fit(x, y, refit);
  }

  std::optional<space::Point> model_choice() {
    if (m_stale) {
      fit({});
      m_stale = false;
    }
    // Points out, this batch's among them, at their predicted times.
    std::vector<std::pair<space::Point, double>> believed;
    for (const auto& [i, p] : m_pending) believed.push_back({p, m_model.predict(m_encode(p)).mean});
    if (!believed.empty()) {
      fit(believed);
      m_stale = true;
    }

    std::vector<space::Point> candidates;
    if (m_rng.uniform() >= k_global) candidates = leader_neighbours();
    if (candidates.empty()) {
      std::unordered_set<std::uint64_t> sampled;
      for (std::size_t i = 0; i < k_random_candidates; ++i) {
        auto p = random_untaken();
        if (!p) break;
        if (sampled.insert(index(*p)).second) candidates.push_back(std::move(*p));
      }
    }
    if (candidates.empty()) return std::nullopt;  // every point is taken
    GaussianProcess::Points encoded(static_cast<Eigen::Index>(candidates.size()),
                                    static_cast<Eigen::Index>(m_model.dimensions()));
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const std::vector<double> e = m_encode(candidates[i]);
      for (std::size_t c = 0; c < e.size(); ++c)
        encoded(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = e[c];
    }
    const std::vector<GaussianProcess::Prediction> predicted = m_model.predict(encoded);
    std::optional<space::Point> choice;
    double top = -1;
    const double lowest = m_model.lowest();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      double gain = expected_improvement(predicted[i], lowest);
      gain += 1e-12 * m_rng.uniform();  // ties: at random
      if (gain > top) {
        top = gain;
        choice = std::move(candidates[i]);
      }
    }
    return choice;
  }

  // The untried neighbours of the fastest working points, fastest first.
  std::vector<space::Point> leader_neighbours() {
    std::vector<const Result*> ok;
    for (const Result& r : m_results) {
      if (r.ok) ok.push_back(&r);
    }
    const std::size_t leaders = std::min(k_leaders, ok.size());
    std::partial_sort(ok.begin(), ok.begin() + static_cast<std::ptrdiff_t>(leaders), ok.end(),
                      [](const Result* a, const Result* b) { return a->log_time < b->log_time; });
    std::vector<space::Point> out;
    std::unordered_set<std::uint64_t> listed;
    for (std::size_t i = 0; i < leaders; ++i) {
      for (space::Point& n : m_space.neighbours(ok[i]->point)) {
        if (!taken(n) && listed.insert(index(n)).second) out.push_back(std::move(n));
      }
    }
    return out;
  }

  std::optional<space::Point> m_start;
  Encoding m_encode;
  GaussianProcess m_model;
  std::vector<Result> m_results;
  std::size_t m_ok = 0;
  std::unordered_map<std::uint64_t, space::Point> m_pending;  // proposed, no result yet
  std::size_t m_refit_at = 0;
  bool m_stale = true;
};

}  // namespace

std::unique_ptr<Strategy> make_bayes(const space::Space& space, std::uint64_t seed,
                                     std::optional<space::Point> start) {
  return std::make_unique<Bayes>(space, seed, std::move(start));
}

}  // namespace kevolve::search
