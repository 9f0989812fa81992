#include "tool/search/strategies/strategies.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kevolve::search {

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

}  // namespace

std::unique_ptr<Strategy> make_exhaustive(const space::Space& space, std::uint64_t seed,
                                          std::optional<space::Point>) {
  return std::make_unique<Exhaustive>(space, seed);
}

}  // namespace kevolve::search
