#pragma once
void stencil(const float* in, float* out, long n);
float weight(int k);  // kernels/weights.cpp
void report();
