#include "tool/search/strategies/value_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kevolve::search {

void ValueModel::add(const Observation& o) {
  m_results.push_back({o.point, o.ok ? o.time_s : std::numeric_limits<double>::infinity()});
  m_stale = true;
}

double ValueModel::score(const space::Point& p) {
  if (m_stale) refit();
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += m_ratios[i][p[i]];
  return sum;
}

void ValueModel::refit() {
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

}  // namespace kevolve::search
