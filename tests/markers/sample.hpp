// Marked kernels in the forms users write them, shared by sample.cpp and sample.cu.
// EXPECT_* give the values each parameter must end up with; static_assert checks them.
#pragma once

#include <kevolve/kevolve.hpp>

#include <type_traits>

// A template kernel: parameters as template arguments, the marker after the template header.
template <int BLOCK = KEVOLVE_PARAM(sample, BLOCK, 256),
          int ITEMS = KEVOLVE_PARAM(sample, ITEMS, 1)>
KEVOLVE_TUNE(
    sample, "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4; T: float, double; require BLOCK * ITEMS <= 2048")
inline int sample_kernel(const int* x, int n) {
  int sum = 0;
  for (int i = 0; i < n && i < BLOCK * ITEMS; ++i) sum += x[i];
  return sum;
}

// The same parameters elsewhere: a constexpr, an array bound, a type.
constexpr int k_block = KEVOLVE_PARAM(sample, BLOCK, 256);
constexpr int k_items = KEVOLVE_PARAM(sample, ITEMS, 1);
using sample_real = KEVOLVE_PARAM(sample, T, float);
inline int k_buffer[KEVOLVE_PARAM(sample, ITEMS, 1) * 2];

static_assert(k_block == EXPECT_BLOCK, "BLOCK has the wrong value");
static_assert(k_items == EXPECT_ITEMS, "ITEMS has the wrong value");
static_assert(std::is_same<sample_real, EXPECT_T>::value, "T has the wrong type");
static_assert(sizeof(k_buffer) == sizeof(int) * 2 * EXPECT_ITEMS, "array bound");

// A non-template unit whose kernel reads plain macros (Kernel Tuner style, `inject: macros`).
#ifndef tile_size
#define tile_size 4
#endif
KEVOLVE_TUNE(tiles, "tile_size: 1..8; inject: macros")
inline int tiles_kernel(int n) { return n * tile_size; }
static_assert(tile_size == EXPECT_TILE, "tile_size has the wrong value");

// Namespaces and class members.
namespace math {
struct Ops {
  KEVOLVE_TUNE(member, "UNROLL: 1, 2, 4, 8")
  static int unrolled(int n) { return n * KEVOLVE_PARAM(member, UNROLL, 2); }
};
}  // namespace math
static_assert(KEVOLVE_PARAM(member, UNROLL, 2) == EXPECT_UNROLL, "UNROLL has the wrong value");
