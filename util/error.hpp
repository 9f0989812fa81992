#pragma once

// The two exceptions a command may throw (ccache's tiers two and three). `main` catches them
// once and prints `kevolve: error: <what>`. Low-level code returns util::Expected instead, and a
// failing candidate is a status in its trial, never an exception.

#include <stdexcept>
#include <string>

namespace kevolve {

// Something the user can fix: bad input, a missing file, a locked directory.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A broken invariant or environment kevolve cannot work around.
class Fatal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kevolve
