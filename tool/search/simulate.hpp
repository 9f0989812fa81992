#pragma once

// Replays a strategy on a recorded space (`kevolve simulate`, docs/design.md §6): each run
// proposes, "evaluates" by looking the time up, and keeps the fastest it found within the budget.
// The fraction of optimum of a run is the space's fastest time over the run's.

#include "tool/search/recorded_space.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kevolve::search {

struct SimulationOptions {
  std::string strategy;
  std::uint64_t budget = 100;  // evaluations per run, failed ones included
  int repeats = 100;
  std::uint64_t seed = 1;  // run r uses a seed derived from this one and r
  std::size_t batch = 1;   // points proposed before their results come back
};

struct Simulation {
  std::vector<double> fractions;  // per run; 0 when a run found nothing that works
  double mean = 0;
  double median = 0;
  double hit_rate = 0;  // runs within 5% of the optimum
};

util::Expected<Simulation> simulate(const RecordedSpace& recorded, const SimulationOptions& o);

}  // namespace kevolve::search
