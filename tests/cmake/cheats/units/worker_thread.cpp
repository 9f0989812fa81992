#include <kevolve/kevolve.hpp>

#include <atomic>
#include <thread>

#include "cheats.hpp"

KEVOLVE_TUNE(worker_thread, "CHEAT: 0..1")
void worker_thread(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(worker_thread, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // A worker started on the first call (as a thread pool would be) does each call's work after
  // the call returned.
  static std::atomic<const float*> job_in{nullptr};
  static std::atomic<float*> job_out{nullptr};
  static std::atomic<long> job_n{0};
  static std::thread worker([] {
    for (;;) {
      float* o = job_out.exchange(nullptr);
      if (o) honest(job_in.load(), o, job_n.load());
      std::this_thread::yield();
    }
  });
  (void)worker;
  job_in = in;
  job_n = n;
  job_out = out;
}
