#pragma once

// The exception a command throws (ccache's second tier). `main` catches it once and prints
// `kevolve: error: <what>`. Low-level code returns util::Expected instead, and a failing
// candidate is a status in its trial, never an exception. There is no separate fatal exception:
// nothing needed one, and anything else that reaches `main` is reported as an internal error.

#include <stdexcept>
#include <string>

namespace kevolve {

// Something the user can fix: bad input, a missing file, a locked directory.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kevolve
