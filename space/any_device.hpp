#pragma once

// The part of a space that holds on every device, for whoever judges a space without the
// device's hardware facts: the scanner, a build for a device this machine lacks, `knowledge
// verify`. The conjuncts that read a fact are left out, so its points are a superset of the
// space on any device: a point outside it, or an empty one, is wrong everywhere.

#include "space/space.hpp"

namespace kevolve::space {

// Whether a constraint of `spec` reads a hardware fact.
bool reads_facts(const SpaceSpec& spec);

// Builds `spec` without the conjuncts that read a hardware fact. Conjuncts are evaluated left
// to right, and a later one may rely on an earlier one that reads a fact (to avoid a division by
// zero, say); so after the first conjunct that reads a fact, only those that cannot fail are
// kept. An error is then never one that the device's facts would have avoided.
util::Expected<Space, SpaceError> build_for_any_device(SpaceSpec spec,
                                                       const BuildLimits& limits = {});

}  // namespace kevolve::space
