#pragma once

// The machine's noise, said before a tune's results are trusted (docs/cli.md, "Noise"): a busy
// machine and defaults whose repeated timings scatter make small speedups undecidable. kevolve
// still tunes (the verdict's intervals decide what wins); these are warnings, with what to do.

#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

struct Load {
  double one_minute = 0;  // the load average over the last minute
  unsigned threads = 1;   // hardware threads
};

// This machine's load now; none where the system does not say.
std::optional<Load> current_load();

// A warning when other work keeps more than a quarter of the hardware threads busy (at least
// 1.5 of them).
std::optional<std::string> load_warning(const Load& load);

// A warning when the defaults' repeated timings scatter by more than 10% (the interquartile
// range over the median): speedups of that order are not decided.
std::optional<std::string> spread_warning(std::vector<double> samples);

}  // namespace kevolve::tune
