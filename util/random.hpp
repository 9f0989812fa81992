#pragma once

// The one random number generator of kevolve: std::mt19937_64 (whose output sequence the
// standard fixes) with our own bounded draws, so a seed gives the same choices with every
// standard library.

#include "util/wide.hpp"

#include <cstdint>
#include <random>

namespace kevolve::util {

// 64 bits from the operating system's random source: what a candidate must not predict.
inline std::uint64_t os_random() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_engine(seed) {}

  std::uint64_t next() { return m_engine(); }

  // Uniform in [0, bound); bound > 0. Lemire's multiply-and-reject, unbiased.
  std::uint64_t below(std::uint64_t bound) {
    UInt128 product = static_cast<UInt128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      std::uint64_t threshold = -bound % bound;
      while (low < threshold) {
        product = static_cast<UInt128>(next()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 m_engine;
};

}  // namespace kevolve::util
