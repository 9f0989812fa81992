#include "util/hash.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <xxhash.h>

namespace kevolve::util {

Hasher::Hasher() : m_state(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(m_state));
}

Hasher::~Hasher() { XXH3_freeState(static_cast<XXH3_state_t*>(m_state)); }

Hasher& Hasher::add(std::string_view data) {
  auto* state = static_cast<XXH3_state_t*>(m_state);
  std::uint64_t size = data.size();
  XXH3_128bits_update(state, &size, sizeof size);
  XXH3_128bits_update(state, data.data(), data.size());
  return *this;
}

std::string Hasher::digest() const {
  XXH128_hash_t h = XXH3_128bits_digest(static_cast<XXH3_state_t*>(m_state));
  return fmt::format("xxh3:{:016x}{:016x}", h.high64, h.low64);
}

std::string hash_of(std::string_view data) { return Hasher().add(data).digest(); }

}  // namespace kevolve::util
