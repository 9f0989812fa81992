#pragma once
void faulty(const float* in, float* out, long n);
void writer(float* in, float* out, long n);
int lonely(int x);
void slow(const float* in, float* out, long n);
void tiny(float* data, long n);
