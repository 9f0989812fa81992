#pragma once

// How the `bayes` strategy's model sees a point: coordinates in [0, 1]. Each parameter with
// more than one value gives its value's position in the declared list. An integer parameter
// whose values are not ordered by their factors of two (16, 32, 48, 64, ...) also gives how
// many factors of two its value has: sizes aligned to warps and memory transactions often run
// far faster than their neighbours in the list, which a model over positions alone must take
// for noise.

#include "space/space.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace kevolve::search {

class Encoding {
 public:
  explicit Encoding(const space::Space& space);

  std::size_t dimensions() const { return m_positions.size() + m_twos.size(); }
  std::vector<double> operator()(const space::Point& point) const;

 private:
  struct Positions {
    std::size_t parameter;
    double scale;  // 1 / (number of values - 1)
  };
  struct Twos {
    std::size_t parameter;
    std::vector<double> per_value;  // scaled to [0, 1]
  };
  std::vector<Positions> m_positions;
  std::vector<Twos> m_twos;
};

// The squared Euclidean distance between two encoded points.
double squared_distance(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace kevolve::search
