#pragma once

// Content hashes (xxHash's XXH3, 128 bits): fast, stable across machines and versions, written
// as "xxh3:<32 hex digits>".

#include <string>
#include <string_view>

namespace kevolve::util {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // Adds `data` and its length, so that ("ab", "c") and ("a", "bc") differ.
  Hasher& add(std::string_view data);
  std::string digest() const;

 private:
  void* m_state;
};

std::string hash_of(std::string_view data);

}  // namespace kevolve::util
