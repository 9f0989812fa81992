// Device helpers the example kernels share: VEC-wide float vectors (float, float2, float4), so
// that one template parameter picks 4-, 8- or 16-byte memory accesses.
#pragma once

namespace kevolve_examples {

template <int VEC>
struct VectorOf;
template <>
struct VectorOf<1> {
  using type = float;
};
template <>
struct VectorOf<2> {
  using type = float2;
};
template <>
struct VectorOf<4> {
  using type = float4;
};
template <int VEC>
using Vector = typename VectorOf<VEC>::type;

// Component v of a vector. Call it with compile-time v (unrolled loops): the selection folds
// away and the vector stays in registers.
__device__ __forceinline__ float component(float x, int) { return x; }
__device__ __forceinline__ float component(float2 x, int v) { return v == 0 ? x.x : x.y; }
__device__ __forceinline__ float component(float4 x, int v) {
  return v == 0 ? x.x : v == 1 ? x.y : v == 2 ? x.z : x.w;
}

// A vector from VEC floats.
__device__ __forceinline__ float make_vector(const float (&v)[1]) { return v[0]; }
__device__ __forceinline__ float2 make_vector(const float (&v)[2]) {
  return make_float2(v[0], v[1]);
}
__device__ __forceinline__ float4 make_vector(const float (&v)[4]) {
  return make_float4(v[0], v[1], v[2], v[3]);
}

}  // namespace kevolve_examples
