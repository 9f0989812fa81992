#pragma once

// Comparing a candidate's outputs with the reference's, in the tuner's process (docs/design.md §8):
// per-type tolerances, equal NaN masks, and guards that keep a do-nothing candidate from
// passing by accident.

#include "backends/protocol.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::eval {

struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

// float 1e-4 / 1e-5, double 1e-9 / 1e-12, integers exact; the harness's b.tolerance wins.
Tolerance tolerance_for(const backends::BufferInfo& buffer,
                        const backends::Description& description);

// Empty when every output and inout in `candidate_dir` matches `reference_dir`; else what
// differs (buffer, how many elements, the first one, the largest error).
std::string compare_outputs(const backends::Description& description,
                            const std::filesystem::path& reference_dir,
                            const std::filesystem::path& candidate_dir);

// Problems that make a reference useless for verification: an output it did not write (still
// poisoned), an inout it did not change. Warnings: an output whose elements are all equal.
struct ReferenceCheck {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};
ReferenceCheck check_reference(const backends::Description& description,
                               const std::filesystem::path& reference_dir);

}  // namespace kevolve::eval
