#pragma once

// Templates of generated code (templates/*.cpp), embedded at build time. Placeholders are
// written @NAME@ and replaced by kevolve.

namespace kevolve::templates {

// The main of a candidate executable: runs the unit's harness in a protocol mode. @UNIT@.
extern const char* const candidate_main_cpp;
// The entry point of a candidate shared library that a runner loads (GPU backends). @UNIT@.
extern const char* const candidate_entry_cpp;
// The runner: serves protocol requests for one device, loading candidates one at a time.
extern const char* const runner_main_cpp;
// Measures a GPU's copy bandwidth and FMA throughput (kevolve hw --measure).
extern const char* const peaks_gpu_cpp;

}  // namespace kevolve::templates
