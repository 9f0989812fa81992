#pragma once

// Templates of generated code (templates/*.cpp) and of the LLM prompts (templates/prompts/*.md),
// embedded at build time. Placeholders are written @NAME@ and replaced by kevolve.

namespace kevolve::templates {

// The main of a candidate executable: runs the unit's harness in a protocol mode. The same for
// every unit: candidate_unit_cpp names the unit's harness to it.
extern const char* const candidate_main_cpp;
// The entry point of a candidate shared library that a runner loads (GPU backends). The same
// for every unit, as candidate_main_cpp.
extern const char* const candidate_entry_cpp;
// Names unit @UNIT@'s harness to the main or entry point above.
extern const char* const candidate_unit_cpp;
// The host side of a unit's device-only CUDA candidates, built once per tune: its entry point
// takes a candidate's manifest (docs/device-only.md). @UNIT@.
extern const char* const candidate_host_cpp;
// The runner: serves protocol requests for one device, loading candidates one at a time.
extern const char* const runner_main_cpp;
// Measures a GPU's copy bandwidth and FMA throughput (kevolve hw --measure).
extern const char* const peaks_gpu_cpp;

// The prompt asking an LLM for a kernel variant (tool/variant/prompt.cpp; each file's header
// comment gives its placeholders and its optional-section syntax).
extern const char* const prompts_system_md;   // the instructions and the answer format
extern const char* const prompts_variant_md;  // the kernel, its context and measurements
extern const char* const prompts_attempt_md;  // one earlier attempt of the tune
extern const char* const prompts_passage_md;  // one retrieved passage
extern const char* const prompts_guidance_cpu_md;
extern const char* const prompts_guidance_cuda_md;
extern const char* const prompts_guidance_hip_md;

}  // namespace kevolve::templates
