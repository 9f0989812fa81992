#pragma once

// C = A * B for n x n row-major matrices.
void matmul(const float* a, const float* b, float* c, int n);
// out = in transposed, n x n row-major.
void transpose(const float* in, float* out, int n);
// Each row of `x` scaled to unit root-mean-square, times `weight`: y = x / rms(x) * weight.
void rmsnorm(const float* x, const float* weight, float* y, int rows, int cols);

// Print the parameter values this build uses.
void report_matmul();
void report_transpose();
void report_rmsnorm();
