#include "tool/search/encoding.hpp"

#include <algorithm>
#include <cstdint>

namespace kevolve::search {

namespace {

int factors_of_two(std::int64_t n) {
  int count = 0;
  for (; n % 2 == 0 && count < 62; n /= 2) ++count;
  return count;
}

// Factors of two per value, scaled to [0, 1]; empty where they add nothing to the position:
// not all integers above 0 (0 has no count, and such lists are mostly choices of a method),
// fewer than three values, or counts that rise or fall with the position (1, 2, 4, 8).
std::vector<double> twos_of(const space::Parameter& parameter) {
  const auto& values = parameter.values;
  if (!parameter.is_integer() || values.size() < 3) return {};
  std::vector<double> twos;
  for (const space::Value& v : values) {
    if (v.integer() <= 0) return {};
    twos.push_back(factors_of_two(v.integer()));
  }
  if (std::is_sorted(twos.begin(), twos.end()) || std::is_sorted(twos.rbegin(), twos.rend()))
    return {};
  const auto [low, high] = std::minmax_element(twos.begin(), twos.end());
  const double lowest = *low, range = *high - *low;
  for (double& t : twos) t = (t - lowest) / range;
  return twos;
}

}  // namespace

Encoding::Encoding(const space::Space& space) {
  const auto parameters = space.parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const std::size_t count = parameters[p].values.size();
    if (count < 2) continue;
    m_positions.push_back({p, 1.0 / static_cast<double>(count - 1)});
    if (std::vector<double> twos = twos_of(parameters[p]); !twos.empty())
      m_twos.push_back({p, std::move(twos)});
  }
}

std::vector<double> Encoding::operator()(const space::Point& point) const {
  std::vector<double> x;
  x.reserve(dimensions());
  for (const Positions& c : m_positions)
    x.push_back(static_cast<double>(point[c.parameter]) * c.scale);
  for (const Twos& c : m_twos) x.push_back(c.per_value[point[c.parameter]]);
  return x;
}

double squared_distance(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

}  // namespace kevolve::search
