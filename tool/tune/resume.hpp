#pragma once

// Stage: resume a unit's search from its trial log. The lines of the same unit, sources, device
// and problem count as evaluations already done, each point once: its first line, unless a
// later line says it failed (a failed re-verification after a correct search run); lines whose
// point is not in today's space, and failures that were the environment's
// (knowledge::k_environment_error), are ignored.

#include "knowledge/trials.hpp"
#include "space/space.hpp"
#include "tool/tune/history.hpp"

#include <vector>

namespace kevolve::tune {

History resume(const std::vector<knowledge::TrialRecord>& log, const TrialKey& key,
               const space::Space& space);

}  // namespace kevolve::tune
