#include "tool/search/strategy.hpp"

#include <utility>

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

}  // namespace kevolve::search
