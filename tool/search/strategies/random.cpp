#include "tool/search/strategies/strategies.hpp"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kevolve::search {

namespace {

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

}  // namespace

std::unique_ptr<Strategy> make_random(const space::Space& space, std::uint64_t seed,
                                      std::optional<space::Point> start) {
  return std::make_unique<Random>(space, seed, std::move(start));
}

}  // namespace kevolve::search
