#pragma once

// C = A * B for n x n row-major matrices.
void matmul_naive(const float* a, const float* b, float* c, int n);
