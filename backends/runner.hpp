#pragma once

// How protocol requests reach a candidate. A CPU candidate is an executable: each request is a
// fresh process. A GPU candidate is a shared library served by the device's runner
// (templates/runner_main.cpp): one long-lived process keeps the device context, so a candidate
// costs a library load instead of a context creation (about 0.3 s on an H100). A request that
// crashes the runner, hangs past its timeout or leaves the device in an error state ends that
// runner; the next request starts a fresh one.

#include "util/expected.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::backends {

class Launcher {
 public:
  virtual ~Launcher() = default;
  // argv[0] is the candidate; the rest are its protocol arguments. Fails only when nothing
  // could be started.
  virtual util::Expected<util::ProcessResult> launch(const std::vector<std::string>& argv,
                                                     const util::ProcessOptions& options) = 0;
};

// Each request a new process of the candidate executable (CPU).
class ProcessLauncher : public Launcher {
 public:
  util::Expected<util::ProcessResult> launch(const std::vector<std::string>& argv,
                                             const util::ProcessOptions& options) override;
};

// Each request a new runner process serving that one request: a fresh process and context.
class FreshRunner : public Launcher {
 public:
  explicit FreshRunner(std::filesystem::path runner) : m_runner(std::move(runner)) {}
  util::Expected<util::ProcessResult> launch(const std::vector<std::string>& argv,
                                             const util::ProcessOptions& options) override;

 private:
  std::filesystem::path m_runner;
};

// Requests served by one long-lived runner, restarted when a request ends it.
class Runner : public Launcher {
 public:
  explicit Runner(std::filesystem::path runner) : m_runner(std::move(runner)) {}
  util::Expected<util::ProcessResult> launch(const std::vector<std::string>& argv,
                                             const util::ProcessOptions& options) override;
  int starts() const { return m_starts; }

 private:
  util::Expected<void> start(const util::ProcessOptions& options);

  std::filesystem::path m_runner;
  std::optional<util::Child> m_child;
  int m_starts = 0;
};

}  // namespace kevolve::backends
