#include "tool/search/strategy.hpp"

#include "tool/search/encoding.hpp"
#include "tool/search/gaussian_process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_map>

namespace kevolve::search {

std::vector<space::Point> Strategy::propose(std::size_t count) {
  std::vector<space::Point> out;
  next(count, out);
  return out;
}

void Strategy::observe(const Observation& o) {
  take(o.point);
  learn(o);
}

std::optional<space::Point> Strategy::random_untaken() {
  std::uint64_t size = m_space.size();
  if (m_seen.size() >= size) return std::nullopt;
  // Rejection is cheap while most points are free; past half, walk from a random index.
  if (m_seen.size() < size / 2) {
    while (true) {
      std::uint64_t i = m_rng.below(size);
      if (!m_seen.count(i)) return m_space.at(i);
    }
  }
  std::uint64_t start = m_rng.below(size);
  for (std::uint64_t k = 0; k < size; ++k) {
    std::uint64_t i = (start + k) % size;
    if (!m_seen.count(i)) return m_space.at(i);
  }
  return std::nullopt;
}

std::optional<space::Point> Strategy::untried_neighbour(const space::Point& p) {
  auto n = m_space.neighbours(p);
  for (std::size_t i = n.size(); i > 0; --i) {
    std::size_t k = m_rng.below(i);  // a random one of those not looked at yet
    if (!taken(n[k])) return n[k];
    std::swap(n[k], n[i - 1]);
  }
  return std::nullopt;
}

namespace {

// Every point, in index order.
class Exhaustive final : public Strategy {
 public:
  using Strategy::Strategy;
  std::string_view name() const override { return "exhaustive"; }

 private:
  void next(std::size_t count, std::vector<space::Point>& out) override {
    while (out.size() < count && m_next < m_space.size()) {
      space::Point p = m_space.at(m_next++);
      if (take(p)) out.push_back(std::move(p));
    }
  }
  void learn(const Observation&) override {}
  std::uint64_t m_next = 0;
};

// Uniform samples without replacement; the start point first.
class Random final : public Strategy {
 public:
  Random(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)) {}
  std::string_view name() const override { return "random"; }

 private:
  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) out.push_back(*m_start);
    m_start.reset();
    while (out.size() < count) {
      auto p = random_untaken();
      if (!p) break;
      take(*p);
      out.push_back(std::move(*p));
    }
  }
  void learn(const Observation&) override {}
  std::optional<space::Point> m_start;
};

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

// What the results so far say of each parameter value (a tree-structured Parzen estimator,
// Bergstra et al. 2011, Optuna's default): the results are split into the fastest few ("good")
// and the rest with the failures ("bad"); per parameter, how often each value occurs in either,
// smoothed over neighbouring values. A point scores the sum of log(good / bad) of its values:
// high where its values are likelier among the good than the bad.
class ValueModel {
 public:
  explicit ValueModel(const space::Space& s) : m_space(s) {}

  void add(const Observation& o) {
    m_results.push_back({o.point, o.ok ? o.time_s : std::numeric_limits<double>::infinity()});
    m_stale = true;
  }
  std::size_t size() const { return m_results.size(); }
  const std::vector<std::pair<space::Point, double>>& results() const { return m_results; }

  double score(const space::Point& p) {
    if (m_stale) refit();
    double sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) sum += m_ratios[i][p[i]];
    return sum;
  }

 private:
  void refit() {
    m_stale = false;
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < m_results.size(); ++i) order.push_back({m_results[i].second, i});
    std::sort(order.begin(), order.end());
    std::size_t ok = 0;
    for (const auto& r : m_results) ok += std::isfinite(r.second) ? 1 : 0;
    const std::size_t good = std::min(std::clamp<std::size_t>((ok + 9) / 10, 1, 25), ok);
    const auto params = m_space.parameters();
    m_ratios.assign(params.size(), {});
    for (std::size_t p = 0; p < params.size(); ++p) {
      const std::size_t k = params[p].values.size();
      std::vector<double> l(k, 1.0 / static_cast<double>(k)), g(k, 1.0 / static_cast<double>(k));
      for (std::size_t rank = 0; rank < order.size(); ++rank) {
        std::vector<double>& into = rank < good ? l : g;
        const std::size_t v = m_results[order[rank].second].first[p];
        into[v] += 1;
        if (k > 2) {  // values are mostly ordered: a neighbour of a good value is likely good
          if (v > 0) into[v - 1] += 0.5;
          if (v + 1 < k) into[v + 1] += 0.5;
        }
      }
      double ls = 0, gs = 0;
      for (std::size_t v = 0; v < k; ++v) ls += l[v], gs += g[v];
      m_ratios[p].resize(k);
      for (std::size_t v = 0; v < k; ++v) m_ratios[p][v] = std::log((l[v] / ls) / (g[v] / gs));
    }
  }

  const space::Space& m_space;
  std::vector<std::pair<space::Point, double>> m_results;  // infinite time: failed
  std::vector<std::vector<double>> m_ratios;
  bool m_stale = true;
};

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

// An ensemble (after OpenTuner's AUC bandit): every proposal goes to the member with the best
// record of improving on the best time so far, plus a bonus for members tried less often.
// Members share everything: each sees every result and never proposes a point another member
// has taken. A few uniform samples come first, for all members to start from.
class Bandit final : public Strategy {
 public:
  Bandit(const space::Space& s, std::uint64_t seed, std::optional<space::Point> start)
      : Strategy(s, seed), m_start(std::move(start)) {
    std::uint64_t member_seed = seed;
    auto add = [&](std::unique_ptr<Strategy> member) {
      m_members.push_back({std::move(member), 0, 0});
    };
    add(std::make_unique<Anneal>(s, ++member_seed, std::nullopt));
    add(std::make_unique<Anneal>(s, ++member_seed, std::nullopt, /*guided=*/true));
    add(std::make_unique<Genetic>(s, ++member_seed, std::nullopt));
    add(std::make_unique<Random>(s, ++member_seed, std::nullopt));
  }
  std::string_view name() const override { return "bandit"; }

 private:
  struct Member {
    std::unique_ptr<Strategy> strategy;
    double uses = 0;    // proposals whose results came back, discounted
    double credit = 0;  // of those, improvements on the best time so far, discounted
  };
  static constexpr std::size_t k_warmup = 8;
  static constexpr double k_exploration = 0.5;
  static constexpr double k_memory = 0.95;  // weight of the older uses per new one

  void next(std::size_t count, std::vector<space::Point>& out) override {
    if (m_start && take(*m_start)) offer(*m_start, m_members.size(), out);
    m_start.reset();
    while (out.size() < count) {
      std::optional<space::Point> p;
      std::size_t from = m_members.size();  // none: a warm-up sample
      if (seen() >= k_warmup) {
        for (std::size_t m : ranking()) {
          auto proposed = m_members[m].strategy->propose(1);
          if (!proposed.empty()) {
            p = std::move(proposed.front());
            from = m;
            break;
          }
        }
      }
      if (!p) p = random_untaken();
      if (!p) return;
      take(*p);
      offer(*p, from, out);
    }
  }

  void offer(const space::Point& p, std::size_t from, std::vector<space::Point>& out) {
    for (std::size_t m = 0; m < m_members.size(); ++m) {
      if (m != from) m_members[m].strategy->exclude(p);
    }
    m_proposer[index(p)] = from;
    out.push_back(p);
  }

  std::vector<std::size_t> ranking() {
    double total = 0;
    for (const Member& m : m_members) total += m.uses;
    std::vector<std::pair<double, std::size_t>> scored;
    for (std::size_t i = 0; i < m_members.size(); ++i) {
      const Member& m = m_members[i];
      double mean = (m.credit + 0.5) / (m.uses + 1);
      double bonus = k_exploration * std::sqrt(std::log(total + 2) / (m.uses + 1));
      scored.push_back({mean + bonus + 1e-9 * m_rng.uniform(), i});
    }
    std::sort(scored.begin(), scored.end(), std::greater<>());
    std::vector<std::size_t> order;
    for (const auto& s : scored) order.push_back(s.second);
    return order;
  }

  void learn(const Observation& o) override {
    bool improved = o.ok && o.time_s < m_best;
    if (o.ok) m_best = std::min(m_best, o.time_s);
    for (Member& m : m_members) m.strategy->observe(o);
    auto it = m_proposer.find(index(o.point));
    if (it == m_proposer.end() || it->second >= m_members.size()) return;
    for (Member& m : m_members) {
      m.uses *= k_memory;
      m.credit *= k_memory;
    }
    Member& m = m_members[it->second];
    m.uses += 1;
    m.credit += improved ? 1 : 0;
  }

  std::optional<space::Point> m_start;
  std::vector<Member> m_members;
  std::unordered_map<std::uint64_t, std::size_t> m_proposer;
  double m_best = std::numeric_limits<double>::infinity();
};

constexpr std::array<std::string_view, 8> k_names = {"exhaustive", "random", "ils",   "anneal",
                                                     "genetic",    "tpe",    "bayes", "bandit"};

}  // namespace

std::span<const std::string_view> strategy_names() { return k_names; }

std::string_view default_strategy() { return "bayes"; }

std::string check_strategy_name(std::string_view name) {
  if (std::find(k_names.begin(), k_names.end(), name) != k_names.end()) return {};
  return fmt::format("unknown strategy '{}' (known: {})", name, fmt::join(k_names, ", "));
}

util::Expected<std::unique_ptr<Strategy>> make_strategy(std::string_view name,
                                                        const space::Space& space,
                                                        std::uint64_t seed,
                                                        std::optional<space::Point> start) {
  if (start && !space.contains(*start)) start.reset();
  if (name == "exhaustive") return std::unique_ptr<Strategy>(new Exhaustive(space, seed));
  if (name == "random") return std::unique_ptr<Strategy>(new Random(space, seed, std::move(start)));
  if (name == "ils") return std::unique_ptr<Strategy>(new Ils(space, seed, std::move(start)));
  if (name == "anneal") return std::unique_ptr<Strategy>(new Anneal(space, seed, std::move(start)));
  if (name == "genetic")
    return std::unique_ptr<Strategy>(new Genetic(space, seed, std::move(start)));
  if (name == "tpe") return std::unique_ptr<Strategy>(new Tpe(space, seed, std::move(start)));
  if (name == "bayes") return std::unique_ptr<Strategy>(new Bayes(space, seed, std::move(start)));
  if (name == "bandit") return std::unique_ptr<Strategy>(new Bandit(space, seed, std::move(start)));
  return util::unexpected(check_strategy_name(name));
}

}  // namespace kevolve::search
