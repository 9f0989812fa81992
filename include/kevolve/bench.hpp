// kevolve harness API (docs/design.md §4): what a unit's benchmark declares and runs.
//
//   #include <kevolve/bench.hpp>
//   KEVOLVE_BENCH(saxpy, b) {
//     const long n = b.size("n", {1 << 24, 1 << 20});  // sizes to tune for; the first is primary
//     const float* x = b.input<float>("x", n);          // random per seed
//     float* y = b.output<float>("y", n);               // poisoned before every run, compared
//     b.traffic(2.0 * n * sizeof(float));               // bytes moved: for % of peak
//     b.run([=] { saxpy(n, 2.0f, x, y, b.stream()); });
//   }
//
// The harness function runs once per problem the tuner asks for (a seed and sizes); `run` says
// what is measured, and the tuner's checked and timed calls of it all happen inside `run`.
// kevolve compiles the harness with a generated entry point (KEVOLVE_BENCH_MAIN, see the end of
// this file) that speaks the protocol of docs/harness.md with the tuner.
//
// Header-only, C++17. The backend follows the compiler: under nvcc or hipcc (KEVOLVE_BENCH_GPU)
// buffers are device memory, stream() is the stream to launch on, and timing uses events with
// the L2 cache flushed; otherwise buffers are host memory and timing uses Google Benchmark.
#pragma once

#include <kevolve/kevolve.hpp>

#if (defined(__CUDACC__) || defined(__HIPCC__)) && !defined(KEVOLVE_BENCH_GPU)
#define KEVOLVE_BENCH_GPU 1
#endif
#include <kevolve/detail/memory.hpp>

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

// Guard zones around every buffer (docs/harness.md): bytes of a pattern the candidate cannot
// know (it comes from the tuner's key), checked after every call.
inline constexpr std::size_t k_guard_bytes = 4096;
inline std::vector<unsigned char>& guard_pattern() {
  static std::vector<unsigned char> pattern(k_guard_bytes, 0x5a);
  return pattern;
}
inline void set_guard_key(std::uint64_t key) {
  std::vector<unsigned char>& pattern = guard_pattern();
  for (std::size_t i = 0; i < pattern.size(); ++i)
    pattern[i] = static_cast<unsigned char>(mix(key ^ i) >> 24);
}

// Memory of the harness's kind (host or device), freed with it; a guarded allocation has a
// guard zone before and right after its bytes.
struct Allocation {
  void* base = nullptr;
  void* data = nullptr;
  std::size_t bytes = 0;
  bool guarded = false;

  Allocation() = default;
  explicit Allocation(std::size_t size, bool with_guards = false)
      : bytes(size), guarded(with_guards) {
    const std::size_t guard = guarded ? k_guard_bytes : 0;
    base = memory::allocate(size + 2 * guard);
    data = static_cast<unsigned char*>(base) + guard;
    if (guarded) {
      memory::from_host(base, guard_pattern().data(), guard);
      memory::from_host(static_cast<unsigned char*>(data) + size, guard_pattern().data(), guard);
    }
  }
  Allocation(Allocation&& other) noexcept { swap(other); }
  Allocation& operator=(Allocation&& other) noexcept {
    swap(other);
    return *this;
  }
  ~Allocation() {
    if (base) memory::release(base);
  }
  void swap(Allocation& other) noexcept {
    std::swap(base, other.base);
    std::swap(data, other.data);
    std::swap(bytes, other.bytes);
    std::swap(guarded, other.guarded);
  }

  // How many bytes before the buffer (negative) or past its end (positive) differ from the
  // guard pattern; 0 when both zones are intact. Past the end wins when both were hit.
  long long breach() const {
    if (!guarded) return 0;
    std::vector<unsigned char> zone(k_guard_bytes);
    const std::vector<unsigned char>& pattern = guard_pattern();
    memory::to_host(zone.data(), static_cast<unsigned char*>(data) + bytes, zone.size());
    for (std::size_t i = zone.size(); i > 0; --i) {
      if (zone[i - 1] != pattern[i - 1]) return static_cast<long long>(i);
    }
    memory::to_host(zone.data(), base, zone.size());
    for (std::size_t i = 0; i < zone.size(); ++i) {
      if (zone[i] != pattern[i]) return -static_cast<long long>(zone.size() - i);
    }
    return 0;
  }
};

struct Buffer {
  std::string name;
  std::string type;
  Role role = Role::input;
  std::size_t count = 0;
  std::size_t element = 0;  // bytes per element
  Allocation storage;
  Allocation initial;          // inout: contents before the run, to restore them
  std::uint64_t hash = 0;      // inputs: hash before the run
  std::uint64_t declared = 0;  // the hash of its random contents when declared
  bool refillable = false;     // random as declared: the protocol may refill it in place
  void (*fill)(void*, std::size_t, std::uint64_t) = nullptr;
  void (*poison)(void*, std::size_t) = nullptr;

  void* data() const { return storage.data; }
  std::size_t bytes() const { return count * element; }
  // The contents, on the host (for the tuner to compare).
  std::vector<unsigned char> contents(const Allocation& from) const {
    std::vector<unsigned char> out(bytes());
    if (!out.empty()) memory::to_host(out.data(), from.data, out.size());
    return out;
  }
};

// What run() wraps the measured function in, where a generated entry point must watch each
// call (device-only candidates check that it launched through KEVOLVE_LAUNCH); none elsewhere.
using CallWrapper = std::function<void()> (*)(std::function<void()>);
inline CallWrapper& call_wrapper() {
  static CallWrapper wrapper = nullptr;
  return wrapper;
}

}  // namespace detail

class Bench {
 public:
  // The generated main (detail/bench_main.hpp) makes one Bench per problem the tuner asks for,
  // and serves the tuner's requests from inside run(), while the harness's locals are alive.
  using Server = std::function<void(Bench&)>;

  Bench(std::uint64_t seed, std::map<std::string, long> chosen_sizes, Server server)
      : m_seed(seed), m_chosen(std::move(chosen_sizes)), m_server(std::move(server)) {}
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
  // An input whose contents the harness sets itself before run() (indices, a sparse pattern):
  // random until written, then kept as written (never refilled between checks) and hashed like
  // any input, so a kernel that writes it is still caught. On a GPU the pointer is device
  // memory: fill it with a copy or a kernel.
  template <typename T>
  T* fixed_input(const char* name, std::size_t count) {
    return static_cast<T*>(add<T>(name, count, detail::Role::input));
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

#if defined(KEVOLVE_BENCH_GPU)
  // The stream the harness launches on; the timer's events are recorded on it.
  detail::gpu::Stream stream() {
    if (!m_stream) detail::gpu::check(KEVOLVE_GPU(StreamCreate)(&m_stream), "creating a stream");
    return m_stream;
  }
  ~Bench() {
    m_buffers.clear();
    if (m_stream) (void)KEVOLVE_GPU(StreamDestroy)(m_stream);
  }
#endif

  // What is measured. Called once, after the buffers exist; the calls of `fn` all happen before
  // run returns, so `fn` may capture the harness's locals by reference.
  void run(std::function<void()> fn) {
    if (m_ran) throw std::logic_error("the harness called run() twice");
    m_ran = true;
    m_fn = detail::call_wrapper() ? detail::call_wrapper()(std::move(fn)) : std::move(fn);
    if (m_server) m_server(*this);
  }

  // For the generated main.
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

  // Once, before the first call: inputs hashed, inouts remembered, and the buffers still
  // random as declared marked refillable (a fixed input the harness wrote is not).
  void prepare() {
    for (detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::output) continue;
      std::uint64_t now = detail::memory::hash(b.data(), b.bytes());
      b.refillable = now == b.declared;
      if (b.role == detail::Role::input) b.hash = now;
      if (b.role == detail::Role::inout) {
        if (!b.initial.data) b.initial = detail::Allocation(b.bytes());
        detail::memory::copy(b.initial.data, b.data(), b.bytes());
      }
    }
  }

  // Fresh inputs in place, from another seed: the same pointers, new contents.
  void refill(std::uint64_t seed) {
    for (detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::output || !b.refillable) continue;
      b.fill(b.data(), b.count, detail::buffer_seed(seed, b.name));
      if (b.role == detail::Role::input) b.hash = detail::memory::hash(b.data(), b.bytes());
      if (b.role == detail::Role::inout) detail::memory::copy(b.initial.data, b.data(), b.bytes());
    }
  }

  // Before every call: inouts back to their initial contents, outputs poisoned.
  void reset() {
    for (detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::inout) detail::memory::copy(b.data(), b.initial.data, b.bytes());
      if (b.role == detail::Role::output) b.poison(b.data(), b.count);
    }
  }

  // The first input whose contents changed since prepare(), or nullptr.
  const detail::Buffer* modified_input() const {
    for (const detail::Buffer& b : m_buffers) {
      if (b.role == detail::Role::input && detail::memory::hash(b.data(), b.bytes()) != b.hash)
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
    b.fill = &detail::memory::fill<T>;
    b.poison = &detail::memory::poison<T>;
    b.storage = detail::Allocation(count * sizeof(T), true);
    // Usable as soon as declared: a fixed input is written by the harness before run().
    if (role == detail::Role::output) {
      b.poison(b.data(), count);
    } else {
      b.fill(b.data(), count, detail::buffer_seed(m_seed, b.name));
      b.declared = detail::memory::hash(b.data(), b.bytes());
    }
    m_buffers.push_back(std::move(b));
    return m_buffers.back().data();
  }

  std::uint64_t m_seed;
  std::map<std::string, long> m_chosen;
  Server m_server;
  std::vector<std::pair<std::string, std::vector<long>>> m_sizes;
  std::vector<std::pair<std::string, long>> m_problem;
  std::vector<detail::Buffer> m_buffers;
  std::map<std::string, std::pair<double, double>> m_tolerances;
  double m_traffic = 0;
  double m_work = 0;
  std::function<void()> m_fn;
  std::function<void()> m_reference;
  bool m_ran = false;
#if defined(KEVOLVE_BENCH_GPU)
  detail::gpu::Stream m_stream = nullptr;
#endif
};

}  // namespace kevolve

#if defined(KEVOLVE_BENCH_MAIN)
#include <kevolve/detail/bench_main.hpp>
#endif
