#pragma once
void row_sums(const float* m, float* out, int rows, int cols);
void col_scale(const float* m, float* out, int rows, int cols);
