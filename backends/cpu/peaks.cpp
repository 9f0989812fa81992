// How a CPU's peaks are measured. Every CPU this process may run on gets a std::thread; the
// threads start together and each works on a buffer of its own (touched first by itself).
//
// Bandwidth: for each cache level, a buffer that fits in it (all its instances together) is read
// (a vector sum), copied (memcpy, one half to the other) and combined (a triad, c = a + s b,
// over thirds) again and again; for the memory, buffers of four times the last-level cache (at
// least 256 MiB, at most 1 GiB and a quarter of the free memory). A level's figure is the best
// of its kernels and runs, in bytes read plus written, as the harness's traffic() counts them.
// A level bounds every footprint between the previous level's capacity and its own, and the
// smallest of those is the fastest, so its buffers take twice the previous level's capacity (at
// most half its own): a 480 MiB last-level cache measured over 240 MiB would understate what
// 16 MiB of buffers get from it.
//
// FMA: independent chains of fused multiply-adds on each thread, more of them than the FMA
// units times their latency, written with the intrinsics of each vector extension the CPU has
// (AVX-512, AVX2 with FMA) in functions compiled for it by target attributes, so kevolve
// itself needs no -march; elsewhere with GCC vector types, which the compiler maps onto the
// vector unit it targets. The best extension counts.
//
// Rates are per thread on its own CPU time, summed: on a busy machine a thread that waits for a
// core does not lower them. (Threads that take turns each get more of a shared level than when
// they run together, so there the figures can come out higher than the truth; for the review
// gates, which must not flag an honest kernel, that is the safe side.)

#include "backends/cpu/peaks.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KEVOLVE_PEAKS_X86 1
#endif

namespace kevolve::backends::cpu {

namespace {

constexpr double k_run_seconds = 0.03;  // one timed run of a kernel
constexpr int k_runs = 3;               // best of these

typedef float Vec4 __attribute__((vector_size(16)));
typedef float Vec8 __attribute__((vector_size(32)));
typedef float Vec16 __attribute__((vector_size(64)));

std::atomic<float> g_sink;  // keeps the kernels' results alive

// Keeps the compiler from merging passes over the same buffers.
inline void barrier() { __asm__ __volatile__("" ::: "memory"); }

// Kernels, written once for a vector type and compiled for an extension by the wrappers below.
template <typename V>
[[gnu::always_inline]] inline float read_sum(const float* a, std::size_t n, long passes) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  V s[8] = {};
  for (long p = 0; p < passes; ++p) {
    for (std::size_t i = 0; i + 8 * lanes <= n; i += 8 * lanes) {
#pragma GCC unroll 8
      for (std::size_t k = 0; k < 8; ++k) {
        V x;
        std::memcpy(&x, a + i + k * lanes, sizeof x);
        s[k] += x;
      }
    }
    barrier();
  }
  float total = 0;
  for (std::size_t k = 0; k < 8; ++k) {
    for (std::size_t l = 0; l < lanes; ++l) total += s[k][l];
  }
  return total;
}

template <typename V>
[[gnu::always_inline]] inline void triad(const float* a, const float* b, float* c, std::size_t n,
                                         long passes) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  for (long p = 0; p < passes; ++p) {
    for (std::size_t i = 0; i + lanes <= n; i += lanes) {
      V x, y;
      std::memcpy(&x, a + i, sizeof x);
      std::memcpy(&y, b + i, sizeof y);
      V z = x + 0.5f * y;
      std::memcpy(c + i, &z, sizeof z);
    }
    barrier();
  }
}

template <typename V, int chains>
[[gnu::always_inline]] inline float fma_chains(long iterations) {
  constexpr std::size_t lanes = sizeof(V) / sizeof(float);
  V v[chains];
  for (int c = 0; c < chains; ++c) v[c] = V{} + static_cast<float>(c);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < chains; ++c) v[c] = v[c] * 0.999f + 0.001f;
  }
  float total = 0;
  for (int c = 0; c < chains; ++c) {
    for (std::size_t l = 0; l < lanes; ++l) total += v[c][l];
  }
  return total;
}

float read_generic(const float* a, std::size_t n, long passes) {
  return read_sum<Vec4>(a, n, passes);
}
void triad_generic(const float* a, const float* b, float* c, std::size_t n, long passes) {
  triad<Vec4>(a, b, c, n, passes);
}
constexpr int k_generic_chains = 8;
float fma_generic(long iterations) { return fma_chains<Vec4, k_generic_chains>(iterations); }

#ifdef KEVOLVE_PEAKS_X86
__attribute__((target("avx512f"))) float read_avx512(const float* a, std::size_t n, long passes) {
  return read_sum<Vec16>(a, n, passes);
}
__attribute__((target("avx512f"))) void triad_avx512(const float* a, const float* b, float* c,
                                                     std::size_t n, long passes) {
  triad<Vec16>(a, b, c, n, passes);
}
__attribute__((target("avx2,fma"))) float read_avx2(const float* a, std::size_t n, long passes) {
  return read_sum<Vec8>(a, n, passes);
}
__attribute__((target("avx2,fma"))) void triad_avx2(const float* a, const float* b, float* c,
                                                    std::size_t n, long passes) {
  triad<Vec8>(a, b, c, n, passes);
}

// Intrinsics, so that the multiply-add is fused whatever -ffp-contract says.
constexpr int k_avx512_chains = 16;
__attribute__((target("avx512f"))) float fma_avx512(long iterations) {
  __m512 v[k_avx512_chains];
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(0.001f);
  for (int c = 0; c < k_avx512_chains; ++c) v[c] = _mm512_set1_ps(static_cast<float>(c));
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < k_avx512_chains; ++c) v[c] = _mm512_fmadd_ps(v[c], x, y);
  }
  __m512 sum = v[0];
  for (int c = 1; c < k_avx512_chains; ++c) sum = _mm512_add_ps(sum, v[c]);
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  float total = 0;
  for (float l : lanes) total += l;
  return total;
}

constexpr int k_avx2_chains = 12;  // of the 16 registers, two hold x and y
__attribute__((target("avx2,fma"))) float fma_avx2(long iterations) {
  __m256 v[k_avx2_chains];
  const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(0.001f);
  for (int c = 0; c < k_avx2_chains; ++c) v[c] = _mm256_set1_ps(static_cast<float>(c));
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < k_avx2_chains; ++c) v[c] = _mm256_fmadd_ps(v[c], x, y);
  }
  __m256 sum = v[0];
  for (int c = 1; c < k_avx2_chains; ++c) sum = _mm256_add_ps(sum, v[c]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0;
  for (float l : lanes) total += l;
  return total;
}
#endif

// The kernels of one vector extension.
struct Extension {
  const char* name;
  float (*read)(const float*, std::size_t, long);
  void (*triad)(const float*, const float*, float*, std::size_t, long);
  float (*fma)(long);
  double flops_per_iteration;  // per thread
};

// Every extension this CPU runs, widest first.
std::vector<Extension> extensions() {
  std::vector<Extension> out;
#ifdef KEVOLVE_PEAKS_X86
  if (__builtin_cpu_supports("avx512f"))
    out.push_back({"avx512f", read_avx512, triad_avx512, fma_avx512, 2.0 * 16 * k_avx512_chains});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    out.push_back({"avx2", read_avx2, triad_avx2, fma_avx2, 2.0 * 8 * k_avx2_chains});
#endif
  out.push_back({"generic", read_generic, triad_generic, fma_generic, 2.0 * 4 * k_generic_chains});
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs work(t) on `threads` threads that start together; each one's CPU time.
template <typename Work>
std::vector<double> run_threads(int threads, const Work& work) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> cpu_s(static_cast<std::size_t>(threads), 0.0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      double start = thread_cpu_seconds();
      work(t);
      cpu_s[static_cast<std::size_t>(t)] = thread_cpu_seconds() - start;
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  for (std::thread& t : pool) t.join();
  return cpu_s;
}

// Calls run(passes) with enough passes for about k_run_seconds of CPU time a thread, k_runs
// times; the best total rate of `per_pass` units a thread, on each thread's own CPU time.
template <typename Run>
double best_rate(double per_pass, const Run& run) {
  std::vector<double> once = run(1);
  double slowest = *std::max_element(once.begin(), once.end());
  long passes = static_cast<long>(std::ceil(k_run_seconds / std::max(slowest, 1e-6)));
  passes = std::clamp(passes, 1L, 1L << 30);
  double best = 0;
  for (int r = 0; r < k_runs; ++r) {
    double rate = 0;
    for (double s : run(passes)) rate += per_pass * static_cast<double>(passes) / std::max(s, 1e-9);
    best = std::max(best, rate);
  }
  return best;
}

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};
using Array = std::unique_ptr<float[], FreeDeleter>;

// One array of `count` floats for each thread, touched first by its thread.
class Buffers {
 public:
  Buffers(int threads, std::size_t count) : m_count(count) {
    for (int t = 0; t < threads; ++t) {
      m_arrays.emplace_back(static_cast<float*>(std::aligned_alloc(64, count * sizeof(float))));
      if (!m_arrays.back()) throw std::bad_alloc();
    }
    run_threads(threads, [&](int t) { std::fill_n(array(t), m_count, 1.0f); });
  }
  float* array(int thread) const { return m_arrays[static_cast<std::size_t>(thread)].get(); }

 private:
  std::size_t m_count;
  std::vector<Array> m_arrays;
};

// The best bandwidth of the read, copy and triad kernels, each over all of `bytes` of buffers
// (the copy from one half to the other, the triad over thirds).
util::Json bandwidth(int threads, double bytes, const Extension& ext) {
  constexpr std::size_t k_granule = 3 * 256;  // floats: thirds of whole kernel steps
  auto count = static_cast<std::size_t>(bytes / threads / sizeof(float));
  count = std::max(k_granule, count / k_granule * k_granule);
  Buffers buffers(threads, count);
  const double thread_bytes = static_cast<double>(count * sizeof(float));
  auto read = best_rate(thread_bytes, [&](long passes) {
    return run_threads(threads, [&](int t) {
      g_sink.store(ext.read(buffers.array(t), count, passes), std::memory_order_relaxed);
    });
  });
  auto copy = best_rate(thread_bytes, [&](long passes) {
    return run_threads(threads, [&](int t) {
      for (long p = 0; p < passes; ++p) {
        std::memcpy(buffers.array(t) + count / 2, buffers.array(t), count / 2 * sizeof(float));
        barrier();
      }
    });
  });
  auto combined = best_rate(thread_bytes, [&](long passes) {
    return run_threads(threads, [&](int t) {
      float* a = buffers.array(t);
      ext.triad(a, a + count / 3, a + 2 * count / 3, count / 3, passes);
    });
  });
  return util::Json{{"bytes", thread_bytes * threads},
                    {"read_bytes_per_s", read},
                    {"copy_bytes_per_s", copy},
                    {"triad_bytes_per_s", combined},
                    {"bytes_per_s", std::max({read, copy, combined})}};
}

// A data or unified cache level, all its instances among this process's CPUs together.
struct CacheLevel {
  std::string name;
  double bytes = 0;
  double measured_over = 0;  // bytes of buffers, all threads together
};

std::vector<CacheLevel> cache_levels(const Device& device, int threads) {
  std::vector<CacheLevel> out;
  for (const util::Json& c : device.details.value("caches", util::Json::array())) {
    std::string type = c.value("type", "");
    if (type == "Instruction") continue;
    int instances = std::max(1, threads / std::max(1, c.value("shared_by", 1)));
    out.push_back({fmt::format("L{}{}", c.value("level", 0), type == "Data" ? "d" : ""),
                   c.value("size", 0.0) * instances});
  }
  std::sort(out.begin(), out.end(),
            [](const CacheLevel& a, const CacheLevel& b) { return a.bytes < b.bytes; });
  double previous = 0;
  for (CacheLevel& c : out) {
    c.measured_over = previous > 0 ? std::min(c.bytes / 2, 2 * previous) : c.bytes / 2;
    previous = c.bytes;
  }
  return out;
}

// Buffers beyond every cache: four times the largest, within [256 MiB, 1 GiB] and a quarter
// of the free memory.
double memory_buffer_bytes(const std::vector<CacheLevel>& caches) {
  constexpr double k_mib = 1024.0 * 1024.0;
  double largest = caches.empty() ? 0 : caches.back().bytes;
  double bytes = std::clamp(4 * largest, 256 * k_mib, 1024 * k_mib);
  long pages = ::sysconf(_SC_AVPHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    bytes = std::min(bytes, static_cast<double>(pages) * static_cast<double>(page) / 4);
  return bytes;
}

}  // namespace

util::Expected<Peaks> measure_peaks(const Device& device) {
  int threads = static_cast<int>(device.facts.get("max_threads").value_or(0));
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<Extension> exts = extensions();
  const Extension& widest = exts.front();

  Peaks peaks;
  util::Json levels = util::Json::object();
  std::vector<CacheLevel> caches = cache_levels(device, threads);
  try {
    for (const CacheLevel& c : caches) {
      util::Json measured = bandwidth(threads, c.measured_over, widest);
      peaks.caches.push_back({c.name, c.bytes, measured["bytes_per_s"].get<double>()});
      levels[c.name] = std::move(measured);
    }
    util::Json memory = bandwidth(threads, memory_buffer_bytes(caches), widest);
    peaks.copy_bytes_per_s = memory["bytes_per_s"].get<double>();
    levels["memory"] = std::move(memory);
  } catch (const std::bad_alloc&) {
    return util::unexpected(std::string("not enough memory for the bandwidth buffers"));
  }
  // Data that fit in a level may also be served from beyond it: no level is slower than those
  // farther out (a virtual machine's share of a large last-level cache can measure below the
  // memory's bandwidth).
  double beyond = peaks.copy_bytes_per_s;
  for (auto c = peaks.caches.rbegin(); c != peaks.caches.rend(); ++c) {
    c->bytes_per_s = std::max(c->bytes_per_s, beyond);
    beyond = c->bytes_per_s;
  }

  util::Json fma = util::Json::object();
  for (const Extension& ext : exts) {
    constexpr long k_iterations = 1000;  // a pass
    double flops = best_rate(ext.flops_per_iteration * k_iterations, [&](long passes) {
      return run_threads(threads, [&](int) {
        g_sink.store(ext.fma(k_iterations * passes), std::memory_order_relaxed);
      });
    });
    fma[ext.name] = flops;
    peaks.fma_flops_per_s = std::max(peaks.fma_flops_per_s, flops);
  }
  peaks.raw = util::Json{{"device_id", device.id.str()},
                         {"threads", threads},
                         {"vector_extension", widest.name},
                         {"bandwidth", std::move(levels)},
                         {"fma_flops_per_s_by_extension", std::move(fma)}};
  peaks.date = util::now_utc();
  return peaks;
}

}  // namespace kevolve::backends::cpu
