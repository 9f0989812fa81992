// kevolve markers: declare what kevolve may tune (docs/design.md §2).
//
//   template <int BLOCK = KEVOLVE_PARAM(saxpy, BLOCK, 256)>
//   KEVOLVE_TUNE(saxpy, "BLOCK: 32..1024 pow2")
//   __global__ void saxpy_kernel(...);
//
//   KEVOLVE_BENCH(saxpy, b) { ... }      // the unit's harness, compiled only by the tuner
//
// Header-only, C++17, no dependencies. Compiles warning-free under g++ and clang++
// (-Wall -Wextra -pedantic), nvcc (-Werror all-warnings) and hipcc. Without kevolve the code
// builds unchanged: every parameter takes its default.
#pragma once

#define KEVOLVE_VERSION_MAJOR 0
#define KEVOLVE_VERSION_MINOR 1

// The build's injected winners. kevolve_tune() puts a generated kevolve_tuned.h first on the
// target's include path; it defines KEVOLVE_TUNED_<unit>_<NAME> as "~, <value>" (and, for
// units with `inject: macros`, the plain macros). Without it, defaults hold.
#if defined(__has_include)
#if __has_include(<kevolve_tuned.h>)
#include <kevolve_tuned.h>
#endif
#endif

// KEVOLVE_PARAM(unit, NAME, default): the tuned value of NAME where the build injected one,
// else `default`. Usable wherever a token sequence is: template arguments, constexpr
// initializers, launch bounds. All uses of one parameter must give the same default.
//
// How it works: an injected KEVOLVE_TUNED_<unit>_<NAME> expands to "~, value", so the probe
// contributes two arguments and the second one is the value; an absent one stays a single
// token, and the second argument is the default.
#define KEVOLVE_PARAM(unit, NAME, default_value) \
  KEVOLVE_DETAIL_PICK(KEVOLVE_TUNED_##unit##_##NAME, default_value)
#define KEVOLVE_DETAIL_PICK(probe, default_value) KEVOLVE_DETAIL_SECOND(probe, default_value, ~)
#define KEVOLVE_DETAIL_SECOND(...) KEVOLVE_DETAIL_SECOND_(__VA_ARGS__)
#define KEVOLVE_DETAIL_SECOND_(first, second, ...) second

// KEVOLVE_TUNE(unit, "space"): declares a tuning unit and its space (docs/design.md §3) on the
// function that follows, its kernel. Place it directly before the function's declaration,
// after its template header. It expands to nothing, except for kevolve's scanner, which parses
// with -DKEVOLVE_SCAN and reads the annotation.
#if defined(KEVOLVE_SCAN)
#define KEVOLVE_TUNE(unit, space) __attribute__((annotate("kevolve:tune:" #unit ":" space)))
#define KEVOLVE_DETAIL_BENCH_MARK(unit) __attribute__((annotate("kevolve:bench:" #unit)))
#else
#define KEVOLVE_TUNE(unit, space)
#define KEVOLVE_DETAIL_BENCH_MARK(unit)
#endif

// KEVOLVE_BENCH(unit, b) { ... }: the unit's harness, a function of `kevolve::Bench& b`
// (include <kevolve/bench.hpp> for Bench). Only the tuner compiles harness files.
namespace kevolve {
class Bench;
}  // namespace kevolve

#define KEVOLVE_BENCH(unit, b)                    \
  void kevolve_bench_##unit(::kevolve::Bench& b); \
  KEVOLVE_DETAIL_BENCH_MARK(unit)                 \
  void kevolve_bench_##unit(::kevolve::Bench& b)
