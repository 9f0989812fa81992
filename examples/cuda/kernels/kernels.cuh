#pragma once

#include <cuda_runtime.h>

// The CUDA examples' host launchers. Each launches its unit's kernel on `stream` with the
// parameters this build uses (defaults, or the winners kevolve recorded) and returns without
// waiting. Pointers are device memory, 16-byte aligned (as cudaMalloc's are).

// a = b + s * c, n floats each: the STREAM triad.
void triad(long n, float s, const float* b, const float* c, float* a, cudaStream_t stream);
// y[r] = the sum of row r of x (rows x cols, row-major).
void reduction(int rows, int cols, const float* x, float* y, cudaStream_t stream);
// out (cols x rows) = in (rows x cols) transposed; both row-major.
void transpose(int rows, int cols, const float* in, float* out, cudaStream_t stream);
// C = alpha * A * B + beta * C in fp32, row-major: A is m x k, B is k x n, C is m x n. With
// beta == 0, C is only written. Fast when m, n, k are multiples of the tuned tile (every
// multiple of 256 is); other sizes take a simple fallback kernel.
void sgemm(int m, int n, int k, float alpha, const float* a, const float* b, float beta, float* c,
           cudaStream_t stream);
// y = softmax of each row of x (rows x cols): exp(x - max) / sum(exp(x - max)).
void softmax(int rows, int cols, const float* x, float* y, cudaStream_t stream);
// The 15 x 15 filter of conv2d.
constexpr int kConvFilter = 15;
// out[y][x] = sum over i, j < 15 of in[y + i][x + j] * filter[i][j]: the "valid" 2-D convolution
// (correlation: the filter is not flipped, as in Kernel Tuner's example) of a height x width
// image; out is (height - 14) x (width - 14). Needs height, width >= 15. The filter is copied to
// constant memory on `stream`, so calls on different streams must not overlap.
void conv2d(int height, int width, const float* in, const float* filter, float* out,
            cudaStream_t stream);

// Print the parameter values this build uses.
void report_triad();
void report_reduction();
void report_transpose();
void report_sgemm();
void report_softmax();
void report_conv2d();
