#include "tool/search/simulate.hpp"

#include "tool/search/registry.hpp"
#include "util/stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

namespace kevolve::search {

util::Expected<Simulation> simulate(const RecordedSpace& recorded, const SimulationOptions& o) {
  if (o.budget == 0) return util::unexpected(std::string("the budget must be at least 1"));
  if (o.repeats < 1) return util::unexpected(std::string("--repeats must be at least 1"));
  const space::Space& space = recorded.space;
  const std::uint64_t budget = std::min(o.budget, space.size());
  if (auto known = check_strategy_name(o.strategy); !known.empty()) return util::unexpected(known);
  // Runs are independent of each other and of how many there are, so they run on every core;
  // each writes its own slot.
  Simulation out;
  out.fractions.assign(static_cast<std::size_t>(o.repeats), 0.0);
  auto run = [&](int r) {
    std::uint64_t seed = o.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(r) + 1;
    auto strategy = make_strategy(o.strategy, space, seed, std::nullopt);
    double best = std::numeric_limits<double>::infinity();
    std::uint64_t evaluated = 0;
    while (evaluated < budget) {
      auto points = (*strategy)->propose(std::min<std::uint64_t>(o.batch, budget - evaluated));
      if (points.empty()) break;
      for (const space::Point& p : points) {
        double t = recorded.time_ms[*space.index_of(p)];
        bool ok = !std::isnan(t);
        (*strategy)->observe({p, ok, ok ? t : 0});
        if (ok) best = std::min(best, t);
        ++evaluated;
      }
    }
    out.fractions[static_cast<std::size_t>(r)] =
        std::isfinite(best) ? recorded.optimum_ms / best : 0.0;
  };
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int r = next++; r < o.repeats; r = next++) run(r);
  };
  const unsigned threads = std::clamp<unsigned>(std::thread::hardware_concurrency(), 1,
                                                static_cast<unsigned>(o.repeats));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  out.median = util::median(out.fractions);
  double sum = 0;
  std::size_t hits = 0;
  for (double f : out.fractions) {
    sum += f;
    hits += f * 1.05 >= 1.0 ? 1 : 0;  // best found <= 1.05 x optimum
  }
  out.mean = sum / static_cast<double>(out.fractions.size());
  out.hit_rate = static_cast<double>(hits) / static_cast<double>(out.fractions.size());
  return out;
}

}  // namespace kevolve::search
