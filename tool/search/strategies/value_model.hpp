#pragma once

// What the results so far say of each parameter value (a tree-structured Parzen estimator,
// Bergstra et al. 2011, Optuna's default): the results are split into the fastest few ("good")
// and the rest with the failures ("bad"); per parameter, how often each value occurs in either,
// smoothed over neighbouring values. A point scores the sum of log(good / bad) of its values:
// high where its values are likelier among the good than the bad. The model of `tpe` and of the
// bandit's guided annealing.

#include "space/space.hpp"
#include "tool/search/strategy.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace kevolve::search {

class ValueModel {
 public:
  explicit ValueModel(const space::Space& s) : m_space(s) {}

  void add(const Observation& o);
  std::size_t size() const { return m_results.size(); }
  const std::vector<std::pair<space::Point, double>>& results() const { return m_results; }

  double score(const space::Point& p);

 private:
  void refit();

  const space::Space& m_space;
  std::vector<std::pair<space::Point, double>> m_results;  // infinite time: failed
  std::vector<std::vector<double>> m_ratios;
  bool m_stale = true;
};

}  // namespace kevolve::search
