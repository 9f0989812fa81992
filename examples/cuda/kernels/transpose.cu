// A transpose through shared memory: a block reads a TILE x TILE tile along its rows and writes
// it along its columns, so that both the reads and the writes of device memory are contiguous.
// The tile's columns are read from shared memory, where a row length that is a multiple of 32
// words puts a whole column in one bank: PAD words per row spread it.
#include <kevolve/kevolve.hpp>

#include <cstdio>

#include "kernels.cuh"
#include "vector.cuh"

namespace {

using kevolve_examples::component;
using kevolve_examples::make_vector;
using kevolve_examples::Vector;

constexpr int kTile = KEVOLVE_PARAM(transpose, TILE, 32);
constexpr int kBlockRows = KEVOLVE_PARAM(transpose, BLOCK_ROWS, 8);  // tile rows per step
constexpr int kVec = KEVOLVE_PARAM(transpose, VEC, 1);
constexpr int kPad = KEVOLVE_PARAM(transpose, PAD, 0);

}  // namespace

// TILE / VEC x BLOCK_ROWS threads; each reads VEC consecutive floats of a tile row and writes
// VEC consecutive floats of an output row, BLOCK_ROWS rows apart. Tiles on the matrix's edge
// (or rows and columns that are not multiples of VEC) take a checked scalar path.
template <int TILE, int BLOCK_ROWS, int VEC, int PAD>
KEVOLVE_TUNE(transpose,
             "TILE: 16, 32, 64; BLOCK_ROWS: 1..64 pow2; VEC: 1, 2, 4; PAD: 0, 1, 2, 4; "
             "require BLOCK_ROWS <= TILE; "
             "require TILE / VEC * BLOCK_ROWS <= max_threads && TILE / VEC * BLOCK_ROWS >= 32")
__global__ void __launch_bounds__(TILE / VEC * BLOCK_ROWS)
    transpose_kernel(int rows, int cols, const float* __restrict__ in, float* __restrict__ out) {
  using V = Vector<VEC>;
  constexpr int kLanes = TILE / VEC;  // threads along a tile row
  __shared__ float tile[TILE][TILE + PAD];
  const int tx = threadIdx.x % kLanes, ty = threadIdx.x / kLanes;
  const int r0 = blockIdx.y * TILE, c0 = blockIdx.x * TILE;  // the tile's corner in `in`
  // The same for the whole block, so both branches below are block-uniform.
  const bool full = r0 + TILE <= rows && c0 + TILE <= cols && rows % VEC == 0 && cols % VEC == 0;

  if (full) {
#pragma unroll
    for (int r = ty; r < TILE; r += BLOCK_ROWS) {
      const V v =
          *reinterpret_cast<const V*>(in + static_cast<long>(r0 + r) * cols + c0 + tx * VEC);
#pragma unroll
      for (int c = 0; c < VEC; ++c) tile[r][tx * VEC + c] = component(v, c);
    }
  } else {
#pragma unroll
    for (int r = ty; r < TILE; r += BLOCK_ROWS) {
#pragma unroll
      for (int c = 0; c < VEC; ++c) {
        const int col = tx * VEC + c;
        if (r0 + r < rows && c0 + col < cols)
          tile[r][col] = in[static_cast<long>(r0 + r) * cols + c0 + col];
      }
    }
  }
  __syncthreads();
  // Row r of the output tile is column r of the input tile.
  if (full) {
#pragma unroll
    for (int r = ty; r < TILE; r += BLOCK_ROWS) {
      float v[VEC];
#pragma unroll
      for (int c = 0; c < VEC; ++c) v[c] = tile[tx * VEC + c][r];
      *reinterpret_cast<V*>(out + static_cast<long>(c0 + r) * rows + r0 + tx * VEC) =
          make_vector(v);
    }
  } else {
#pragma unroll
    for (int r = ty; r < TILE; r += BLOCK_ROWS) {
#pragma unroll
      for (int c = 0; c < VEC; ++c) {
        const int i = tx * VEC + c;
        if (c0 + r < cols && r0 + i < rows)
          out[static_cast<long>(c0 + r) * rows + r0 + i] = tile[i][r];
      }
    }
  }
}

void transpose(int rows, int cols, const float* in, float* out, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  const dim3 grid((cols + kTile - 1) / kTile, (rows + kTile - 1) / kTile);
  transpose_kernel<kTile, kBlockRows, kVec, kPad>
      <<<grid, kTile / kVec * kBlockRows, 0, stream>>>(rows, cols, in, out);
}

void report_transpose() {
  std::printf("transpose  TILE=%d BLOCK_ROWS=%d VEC=%d PAD=%d\n", kTile, kBlockRows, kVec, kPad);
}
