#pragma once
// Shared by the cheat units: the honest work of one element (compute-bound, so that skipping it
// would win big), and the units' signatures: void unit(const float* in, float* out, long n).
inline float work(float x) {
  float a = x;
  for (int k = 0; k < 48; ++k) a = a * 0.99f + 0.02f * x;
  return a;
}
inline void honest(const float* in, float* out, long n) {
  for (long i = 0; i < n; ++i) out[i] = work(in[i]);
}
// Twice the work: the fallback of a cheat that could not fire, so that it never wins by noise.
inline void slower(const float* in, float* out, long n) {
  honest(in, out, n);
  for (long i = 0; i < n; ++i) out[i] = work(in[i]) * 0.5f + out[i] * 0.5f;
}

void cache_by_pointer(const float* in, float* out, long n);
void partial_after_first(const float* in, float* out, long n);
void stash_in_input(const float* in, float* out, long n);
void detached_thread(const float* in, float* out, long n);
void worker_thread(const float* in, float* out, long n);
void precomputed(const float* in, float* out, long n);
void narrow_range(const float* in, float* out, long n);
void benchmark_detection(const float* in, float* out, long n);
void forged_result(const float* in, float* out, long n);
void forges_answer(const float* in, float* out, long n);
void timer_override(const float* in, float* out, long n);
void overrun(const float* in, float* out, long n);
void reads_reference(const float* in, float* out, long n);
void leaves_daemon(const float* in, float* out, long n);
void holds_pipe(const float* in, float* out, long n);
void honest_faster(const float* in, float* out, long n);
