#include "tool/tune/noise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace kevolve::tune {

std::optional<Load> current_load() {
  double averages[1] = {0};
  if (::getloadavg(averages, 1) != 1) return std::nullopt;
  return Load{averages[0], std::max(1u, std::thread::hardware_concurrency())};
}

std::optional<std::string> load_warning(const Load& load) {
  // At least 1.5: the 1-minute average still counts the builds of a tune that just ended.
  const double busy = std::max(1.5, 0.25 * load.threads);
  if (load.one_minute <= busy) return std::nullopt;
  return fmt::format(
      "this machine is busy (load average {:.1f} over the last minute, {} hardware threads): "
      "timings will scatter and small speedups may not be decided; tune on a quiet machine",
      load.one_minute, load.threads);
}

namespace {

// The value below which a share `q` of the sorted values lies (nearest rank).
double quantile(const std::vector<double>& sorted, double q) {
  const auto at = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

std::optional<std::string> spread_warning(std::vector<double> samples) {
  if (samples.size() < 4) return std::nullopt;  // too few to tell noise from a slow first run
  std::sort(samples.begin(), samples.end());
  const double median = quantile(samples, 0.5);
  if (median <= 0) return std::nullopt;
  const double spread = (quantile(samples, 0.75) - quantile(samples, 0.25)) / median;
  if (spread <= 0.10) return std::nullopt;
  return fmt::format(
      "the defaults' timings scatter by {:.0f}% (interquartile range over the median of {} "
      "repetitions): speedups of that order will not be decided; close other work, or raise "
      "--reps or --min-time",
      100 * spread, samples.size());
}

}  // namespace kevolve::tune
