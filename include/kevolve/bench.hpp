// kevolve harness API (DESIGN §4): what a unit's benchmark declares and runs.
//
//   #include <kevolve/bench.hpp>
//   KEVOLVE_BENCH(blur, b) {
//     const long n = b.size("n", {1 << 22, 1 << 16});  // sizes to tune for; the first is primary
//     const float* in = b.input<float>("in", n);        // random per seed
//     float* out = b.output<float>("out", n);           // poisoned before every run, compared
//     after b.traffic(2.0 * n * sizeof(float)); b.run([&] { blur(in, out, n); });
//   }
//
// The harness function runs once per candidate process; `run` is where the measurement
// happens. kevolve compiles the harness with a generated main (KEVOLVE_BENCH_MAIN, see the end
// of this file) that speaks a small protocol with the tuner: describe the problem, verify with
// a seed (writing outputs for the tuner to compare), or time with Google Benchmark.
//
// Header-only, C++17. This part is the CPU backend; GPU backends add device buffers and
// stream().
#pragma once

#include <kevolve/kevolve.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kevolve {

namespace detail {

enum class Role { input, output, inout };

// Element types the harness can compare; the tag names them in the protocol.
template <typename T>
constexpr const char* type_tag() {
  if constexpr (std::is_same_v<T, float>)
    return "f32";
  else if constexpr (std::is_same_v<T, double>)
    return "f64";
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return "i8";
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return "u8";
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return "i16";
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return "u16";
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return "i32";
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return "u32";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "i64";
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return "u64";
  else
    static_assert(sizeof(T) == 0, "kevolve buffers hold float, double or fixed-width integers");
}

// SplitMix64: a fast, portable generator; each (seed, buffer, element) has its own value.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

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

struct Buffer {
  std::string name;
  std::string type;
  Role role = Role::input;
  std::size_t count = 0;
  std::size_t element = 0;  // bytes per element
  void* data = nullptr;
  std::vector<unsigned char> initial;  // inout: contents before the run, to restore them
  std::uint64_t hash = 0;              // inputs: hash before the run
  void (*fill)(void*, std::size_t, std::uint64_t) = nullptr;
  void (*poison)(void*, std::size_t) = nullptr;

  std::size_t bytes() const { return count * element; }
};

template <typename T>
void fill_random(void* data, std::size_t count, std::uint64_t seed) {
  T* out = static_cast<T*>(data);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t r = mix(seed ^ mix(static_cast<std::uint64_t>(i)));
    if constexpr (std::is_floating_point_v<T>) {
      out[i] = static_cast<T>(static_cast<double>(r >> 11) * 0x1.0p-52 - 1.0);  // [-1, 1)
    } else {
      out[i] = static_cast<T>(r % 100u);  // small and non-negative: safe as sizes or indices
    }
  }
}

template <typename T>
void fill_poison(void* data, std::size_t count) {
  T* out = static_cast<T*>(data);
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t i = 0; i < count; ++i) out[i] = std::numeric_limits<T>::quiet_NaN();
  } else {
    std::memset(out, 0xA5, count * sizeof(T));
  }
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace detail

class Bench {
 public:
  // How the generated main drives the harness.
  enum class Mode { describe, verify, reference, time };

  Bench(Mode mode, std::uint64_t seed, std::map<std::string, long> chosen_sizes)
      : m_mode(mode), m_seed(seed), m_chosen(std::move(chosen_sizes)) {}
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  // One dimension of the problem. The primary problem takes the first value of each.
  long size(const char* name, std::initializer_list<long> values) {
    if (values.size() == 0)
      throw std::invalid_argument(std::string("size '") + name + "' lists no value");
    std::vector<long> list(values);
    long value = list.front();
    auto chosen = m_chosen.find(name);
    if (chosen != m_chosen.end()) {
      bool listed = false;
      for (long v : list) listed = listed || v == chosen->second;
      if (!listed)
        throw std::invalid_argument(std::string("size '") + name +
                                    "' does not list the requested value");
      value = chosen->second;
    }
    m_sizes.emplace_back(name, std::move(list));
    m_problem.emplace_back(name, value);
    return value;
  }
  long size(const char* name, long value) { return size(name, {value}); }

  template <typename T>
  const T* input(const char* name, std::size_t count) {
    return static_cast<const T*>(add<T>(name, count, detail::Role::input));
  }
  template <typename T>
  T* output(const char* name, std::size_t count) {
    return static_cast<T*>(add<T>(name, count, detail::Role::output));
  }
  template <typename T>
  T* inout(const char* name, std::size_t count) {
    return static_cast<T*>(add<T>(name, count, detail::Role::inout));
  }

  void traffic(double bytes) { m_traffic = bytes; }
  void work(double flops) { m_work = flops; }
  void tolerance(const char* name, double rtol, double atol) { m_tolerances[name] = {rtol, atol}; }
  void reference(std::function<void()> fn) { m_reference = std::move(fn); }

  // What is measured. Called once, after the buffers exist.
  void run(std::function<void()> fn) {
    if (m_ran) throw std::logic_error("the harness called run() twice");
    m_ran = true;
    m_fn = std::move(fn);
  }

  // For the generated main.
  Mode mode() const { return m_mode; }
  std::uint64_t seed() const { return m_seed; }
  bool ran() const { return m_ran; }
  bool has_reference() const { return static_cast<bool>(m_reference); }
  const std::function<void()>& function() const { return m_fn; }
  const std::function<void()>& reference_function() const { return m_reference; }
  std::vector<detail::Buffer>& buffers() { return m_buffers; }
  const std::vector<std::pair<std::string, std::vector<long>>>& sizes() const { return m_sizes; }
  const std::vector<std::pair<std::string, long>>& problem() const { return m_problem; }
  double traffic() const { return m_traffic; }
  double work() const { return m_work; }
  const std::map<std::string, std::pair<double, double>>& tolerances() const {
    return m_tolerances;
  }

  // Just before the measured code runs: outputs poisoned, inputs hashed, inouts remembered.
  // (Buffers were filled when declared, so the harness may have written structured data.)
  void prepare() {
    for (detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::output) b.poison(b.data, b.count);
      if (b.role == detail::Role::input) b.hash = detail::hash_bytes(b.data, b.bytes());
      if (b.role == detail::Role::inout) {
        const auto* bytes = static_cast<const unsigned char*>(b.data);
        b.initial.assign(bytes, bytes + b.bytes());
      }
    }
  }

  // Before every timed run: inouts back to their initial contents, outputs poisoned.
  void reset() {
    for (detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::inout) std::memcpy(b.data, b.initial.data(), b.initial.size());
      if (b.role == detail::Role::output) b.poison(b.data, b.count);
    }
  }

  // The first input whose contents changed since prepare(), or nullptr.
  const detail::Buffer* modified_input() const {
    for (const detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::input && detail::hash_bytes(b.data, b.bytes()) != b.hash)
        return &b;
    }
    return nullptr;
  }

 private:
  template <typename T>
  void* add(const char* name, std::size_t count, detail::Role role) {
    for (const detail::Buffer& b : m_buffers) {
      if (b.name == name)
        throw std::invalid_argument(std::string("buffer '") + name + "' is declared twice");
    }
    detail::Buffer b;
    b.name = name;
    b.type = detail::type_tag<T>();
    b.role = role;
    b.count = count;
    b.element = sizeof(T);
    b.fill = &detail::fill_random<T>;
    b.poison = &detail::fill_poison<T>;
    std::size_t bytes = ((count * sizeof(T) + 63) / 64) * 64;
    void* memory = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
    if (!memory) throw std::bad_alloc();
    m_memory.emplace_back(memory);
    b.data = memory;
    // Usable as soon as declared: the harness may overwrite inputs with structured data.
    if (role == detail::Role::output) {
      b.poison(b.data, count);
    } else {
      b.fill(b.data, count, m_seed ^ detail::hash_bytes(b.name.data(), b.name.size()));
    }
    m_buffers.push_back(std::move(b));
    return memory;
  }

  Mode m_mode;
  std::uint64_t m_seed;
  std::map<std::string, long> m_chosen;
  std::vector<std::pair<std::string, std::vector<long>>> m_sizes;
  std::vector<std::pair<std::string, long>> m_problem;
  std::vector<detail::Buffer> m_buffers;
  std::vector<std::unique_ptr<void, detail::AlignedFree>> m_memory;
  std::map<std::string, std::pair<double, double>> m_tolerances;
  double m_traffic = 0;
  double m_work = 0;
  std::function<void()> m_fn;
  std::function<void()> m_reference;
  bool m_ran = false;
};

}  // namespace kevolve

#if defined(KEVOLVE_BENCH_MAIN)
#include <kevolve/detail/bench_main.hpp>
#endif
