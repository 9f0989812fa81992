#include "tool/search/strategies/strategies.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

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
    add(make_anneal(s, ++member_seed, std::nullopt));
    add(make_guided_anneal(s, ++member_seed));
    add(make_genetic(s, ++member_seed, std::nullopt));
    add(make_random(s, ++member_seed, std::nullopt));
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

}  // namespace

std::unique_ptr<Strategy> make_bandit(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start) {
  return std::make_unique<Bandit>(space, seed, std::move(start));
}

}  // namespace kevolve::search
