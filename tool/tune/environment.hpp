#pragma once

// Whether a failed build is the environment's fault rather than the candidate's: the compiler
// or linker cannot be run, the disk is full or read-only, descriptors or memory ran out, the
// compile timeout stopped it. Such a failure says nothing about the candidate, so it must never
// be recorded as the candidate's (tool/tune/breaker.hpp decides what to do with it). The
// patterns are one table in environment.cpp; docs/cli.md lists them.

#include <optional>
#include <string>
#include <string_view>

namespace kevolve::tune {

struct EnvironmentFailure {
  std::string cause;  // "no space left on device"
  std::string line;   // the log's line that says so, trimmed
  // The candidate's own code can bring this about too (a huge unrolling exhausts the memory or
  // the compile timeout); otherwise only the environment can.
  bool candidate_can_cause = false;
};

// Pure: the first line of a failed build's log that shows an environment failure, if any.
// Lines a source can put into a diagnostic on purpose (#error, #warning, #pragma message,
// static assertions) and GCC's echoes of source lines ("  12 | ...") never count.
std::optional<EnvironmentFailure> environment_failure(std::string_view log);

// Pure: the log's first error line (else its first line), the echoed command ("$ ...") aside,
// with what differs from one candidate to the next made equal: paths become "<path>", numbers
// "N". Candidates that fail with the same normalised line fail the same way.
std::string first_error_line(std::string_view log);

// The first `lines` lines of a log, indented by two spaces, for a message.
std::string log_excerpt(std::string_view log, std::size_t lines);

}  // namespace kevolve::tune
