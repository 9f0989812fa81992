#pragma once

// Running another program: its own process group (so a timeout kills everything it started),
// stdout and stderr captured together, an exit status as data. An interrupt of kevolve
// (util/interrupt.hpp) kills the process group too.

#include "util/expected.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::util {

struct ProcessOptions {
  std::filesystem::path cwd;                 // empty: the current directory
  std::chrono::milliseconds timeout{0};      // 0: none
  std::vector<std::string> environment;      // extra NAME=value entries
  std::size_t max_output = 4 * 1024 * 1024;  // later output is dropped (and counted)
};

struct ProcessResult {
  int exit_code = -1;        // when it exited
  int signal = 0;            // when a signal ended it
  bool timed_out = false;    // killed, with its process group, at the timeout
  bool interrupted = false;  // killed because kevolve was interrupted (util/interrupt.hpp)
  std::string output;        // stdout and stderr, interleaved as written
  double seconds = 0;

  bool ok() const { return exit_code == 0 && signal == 0 && !timed_out && !interrupted; }
  std::string describe() const;  // "exit 2", "killed by signal 11 (Segmentation fault)", ...
};

// Fails only when the program cannot be started at all.
Expected<ProcessResult> run_process(const std::vector<std::string>& argv,
                                    const ProcessOptions& options = {});

}  // namespace kevolve::util
