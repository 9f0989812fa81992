#pragma once
void burst(const float* in, float* out, long n);
void hollow(const float* in, float* out, long n);
void report();  // prints the parameter values this build uses
