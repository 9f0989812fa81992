// Where a harness's buffers live and how they are filled, poisoned, hashed and copied: host
// memory for CPU harnesses, device memory when the harness is compiled by nvcc or hipcc
// (KEVOLVE_BENCH_GPU). Random contents are a pure function of (seed, element index), computed
// where the buffer lives, so a GPU input of 256 MB costs a kernel, not a host loop and a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <type_traits>

#if defined(KEVOLVE_BENCH_GPU)
#include <kevolve/detail/gpu.hpp>
#define KEVOLVE_HOST_DEVICE __host__ __device__
#else
#define KEVOLVE_HOST_DEVICE
#endif

namespace kevolve::detail {

// SplitMix64: a fast, portable generator; each (seed, buffer, element) has its own value.
KEVOLVE_HOST_DEVICE inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Floats come from one of four ranges, chosen by the low two bits of the seed, which every
// buffer of a problem shares (buffer_seed): the tuner draws seeds that cover all four, so a
// kernel valid only on [-1, 1) fails. Magnitudes stay within 2 so that the default tolerances
// still hold for honest reorderings of a sum.
KEVOLVE_HOST_DEVICE inline void value_range(std::uint64_t seed, double& low, double& width) {
  switch (seed & 3) {
    case 0:
      low = -1.0, width = 2.0;
      break;
    case 1:
      low = 0.0, width = 1.0;
      break;
    case 2:
      low = 1.0, width = 1.0;
      break;
    default:
      low = -1.5, width = 3.0;
      break;
  }
}

template <typename T>
KEVOLVE_HOST_DEVICE inline T random_value(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t r = mix(seed ^ mix(index));
  if constexpr (std::is_floating_point_v<T>) {
    double low = -1.0, width = 2.0;
    value_range(seed, low, width);
    return static_cast<T>(low + width * (static_cast<double>(r >> 11) * 0x1.0p-53));
  } else {
    return static_cast<T>(r % 100u);  // small and non-negative: safe as sizes or indices
  }
}

// A name's hash, to give each buffer its own stream of values.
inline std::uint64_t hash_bytes(const void* data, std::size_t size,
                                std::uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {  // 8 bytes at a time: inputs can be large
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = mix(h ^ word);
  }
  for (; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// A buffer's own seed: its name's hash mixed into the problem's seed above the two bits that
// choose the value range.
inline std::uint64_t buffer_seed(std::uint64_t seed, const std::string& name) {
  return seed ^ (hash_bytes(name.data(), name.size()) << 2);
}

#if !defined(KEVOLVE_BENCH_GPU)

namespace memory {

inline void* allocate(std::size_t bytes) {
  std::size_t rounded = ((bytes + 63) / 64) * 64;
  void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!p) throw std::bad_alloc();
  return p;
}
inline void release(void* p) { std::free(p); }

template <typename T>
void fill(void* data, std::size_t count, std::uint64_t seed) {
  T* out = static_cast<T*>(data);
  for (std::size_t i = 0; i < count; ++i) out[i] = random_value<T>(seed, i);
}

template <typename T>
void poison(void* data, std::size_t count) {
  T* out = static_cast<T*>(data);
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t i = 0; i < count; ++i) out[i] = std::numeric_limits<T>::quiet_NaN();
  } else {
    std::memset(out, 0xA5, count * sizeof(T));
  }
}

// Whether a buffer changed: four independent lanes, so a large buffer hashes at memory speed
// (the harness hashes inputs and outputs around every call).
inline std::uint64_t hash(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t lane[4] = {0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull,
                           0xcbf29ce484222325ull};
  std::size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    for (int k = 0; k < 4; ++k) {
      std::uint64_t word;
      std::memcpy(&word, p + i + 8 * k, 8);
      lane[k] = (lane[k] ^ word) * 0x100000001b3ull;
    }
  }
  std::uint64_t h = hash_bytes(p + i, bytes - i);
  for (std::uint64_t l : lane) h = mix(h ^ l);
  return h;
}
inline void copy(void* to, const void* from, std::size_t bytes) { std::memcpy(to, from, bytes); }
inline void to_host(void* to, const void* from, std::size_t bytes) { std::memcpy(to, from, bytes); }
inline void from_host(void* to, const void* from, std::size_t bytes) {
  std::memcpy(to, from, bytes);
}

}  // namespace memory

#else  // KEVOLVE_BENCH_GPU

// clang-format reads this header as C++ and would split the launches' <<< >>>.
// clang-format off

template <typename T>
__global__ void fill_kernel(T* out, std::size_t count, std::uint64_t seed) {
  std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    out[i] = random_value<T>(seed, i);
  }
}

// Order-independent, so threads may add their parts in any order: a changed word changes the
// sum with overwhelming probability, which is all an "input unchanged" check needs.
template <typename Sum = unsigned long long>  // a template: this header is in many objects
__global__ void hash_kernel(const unsigned char* data, std::size_t bytes, Sum* sum) {
  std::size_t words = bytes / 8;
  // Device allocations are 256-byte aligned: whole words can be read directly.
  const auto* aligned = reinterpret_cast<const std::uint64_t*>(data);
  std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  std::uint64_t local = 0;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < words;
       i += stride) {
    local += mix(aligned[i] ^ mix(i));
  }
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    for (std::size_t i = words * 8; i < bytes; ++i) local += mix(data[i] ^ mix(~i));
  }
  atomicAdd(sum, static_cast<Sum>(local));
}

namespace memory {

inline unsigned blocks_for(std::size_t count) {
  std::size_t blocks = (count + 255) / 256;
  return static_cast<unsigned>(blocks < 4096 ? (blocks == 0 ? 1 : blocks) : 4096);
}

inline void* allocate(std::size_t bytes) {
  void* p = nullptr;
  gpu::check(KEVOLVE_GPU(Malloc)(&p, bytes == 0 ? 64 : bytes), "allocating a buffer");
  return p;
}
inline void release(void* p) { (void)KEVOLVE_GPU(Free)(p); }

template <typename T>
void fill(void* data, std::size_t count, std::uint64_t seed) {
  fill_kernel<T><<<blocks_for(count), 256>>>(static_cast<T*>(data), count, seed);
  gpu::check_run("filling a buffer with random values");
}

template <typename T>
void poison(void* data, std::size_t count) {
  // All-ones bytes are a NaN in float and double; integers get 0xA5 bytes, as on the CPU.
  int byte = std::is_floating_point_v<T> ? 0xFF : 0xA5;
  gpu::check(KEVOLVE_GPU(Memset)(data, byte, count * sizeof(T)), "poisoning an output");
}

inline std::uint64_t hash(const void* data, std::size_t bytes) {
  unsigned long long* sum = nullptr;
  gpu::check(KEVOLVE_GPU(Malloc)(&sum, sizeof *sum), "hashing an input");
  unsigned long long result = 0;
  try {
    gpu::check(KEVOLVE_GPU(Memset)(sum, 0, sizeof *sum), "hashing an input");
    hash_kernel<<<blocks_for(bytes / 8), 256>>>(static_cast<const unsigned char*>(data), bytes,
                                                  sum);
    gpu::check_run("hashing an input");
    gpu::check(KEVOLVE_GPU(Memcpy)(&result, sum, sizeof result, KEVOLVE_GPU(MemcpyDeviceToHost)),
               "hashing an input");
  } catch (...) {
    (void)KEVOLVE_GPU(Free)(sum);
    throw;
  }
  (void)KEVOLVE_GPU(Free)(sum);
  return result;
}

inline void copy(void* to, const void* from, std::size_t bytes) {
  gpu::check(KEVOLVE_GPU(Memcpy)(to, from, bytes, KEVOLVE_GPU(MemcpyDeviceToDevice)),
             "restoring an inout buffer");
}
inline void to_host(void* to, const void* from, std::size_t bytes) {
  gpu::check(KEVOLVE_GPU(Memcpy)(to, from, bytes, KEVOLVE_GPU(MemcpyDeviceToHost)),
             "copying a buffer to the host");
}
inline void from_host(void* to, const void* from, std::size_t bytes) {
  gpu::check(KEVOLVE_GPU(Memcpy)(to, from, bytes, KEVOLVE_GPU(MemcpyHostToDevice)),
             "writing a guard zone");
}

}  // namespace memory

// clang-format on

#endif  // KEVOLVE_BENCH_GPU

}  // namespace kevolve::detail
