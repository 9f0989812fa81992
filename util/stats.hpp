#pragma once

// Order statistics of measurements, shared by the tuner's verdicts, the evaluator and the
// benchmarks.

#include <algorithm>
#include <cmath>
#include <vector>

namespace kevolve::util {

// The median of the values that are not NaN (the mean of the middle two of an even count);
// NaN when there are none.
inline double median(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double x) { return std::isnan(x); }),
               values.end());
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace kevolve::util
