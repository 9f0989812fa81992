#pragma once

// What serves a candidate's session (backends/session.hpp). A CPU candidate is an executable,
// started afresh for each session. A GPU candidate is a shared library that the device's runner
// (templates/runner_main.cpp) loads: one runner process per session, so a kernel fault, a hang
// or anything the candidate left in the process dies with it.
//
// Departure, for now: the runner used to stay up across candidates to save the device context's
// creation (about 0.3 s on an H100). Sessions bring a whole candidate into one process, and
// keeping the process across candidates would let one candidate leave state for the next; the
// GPU issue decides whether a long-lived runner can be made safe (docs/harness.md).

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::backends {

class Launcher {
 public:
  virtual ~Launcher() = default;
  // The command line of a fresh process serving one session of `artifact`.
  virtual std::vector<std::string> command(const std::filesystem::path& artifact) const = 0;
};

// The candidate executable itself (CPU).
class ProcessLauncher : public Launcher {
 public:
  std::vector<std::string> command(const std::filesystem::path& artifact) const override {
    return {artifact.string()};
  }
};

// The device's runner, given the candidate library.
class FreshRunner : public Launcher {
 public:
  explicit FreshRunner(std::filesystem::path runner) : m_runner(std::move(runner)) {}
  std::vector<std::string> command(const std::filesystem::path& artifact) const override {
    return {m_runner.string(), artifact.string()};
  }

 private:
  std::filesystem::path m_runner;
};

}  // namespace kevolve::backends
