#pragma once

// Running another program: its own session and process group (so a timeout kills everything it
// started, and it has no controlling terminal), stdout and stderr captured together, an exit
// status as data. An interrupt of kevolve (util/interrupt.hpp) kills the process group too, and
// so does the program's own exit (what it left running in its group dies with it). A timeout is a
// timeout whatever the program's children do: once it has exited or was killed, output is read for
// at most half a second more, so a descendant that left the group (setsid) and holds the output
// open cannot stretch it.

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
  // Child only: a pipe on the program's descriptor 3 for its replies (Child::read_reply), apart
  // from what it prints.
  bool reply_channel = false;
  // Child only: where what it prints goes (created afresh), its first max_output bytes; the
  // rest is counted, not kept. Empty: only the end of it is kept, in Child::log().
  std::filesystem::path log_file;
  // Runs to its end (or timeout) even after kevolve was interrupted: the clean-up a Ctrl-C asks
  // for, such as cancelling the cluster jobs of the tune (scancel).
  bool survives_interrupt = false;
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

// A long-lived program that answers requests: lines written to its stdin, answers read from its
// stdout and stderr (together). Its process group dies with this object.
class Child {
 public:
  static Expected<Child> start(const std::vector<std::string>& argv,
                               const ProcessOptions& options = {});
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  // False once the program has exited or was killed.
  bool running();
  Expected<void> send(const std::string& line);
  // Output up to and including the first line that starts with `marker`, waiting at most
  // `timeout`. When the program exits, times out (it is then killed) or kevolve is interrupted
  // first, the result says so and holds what it wrote.
  ProcessResult read_until(std::string_view marker, std::chrono::milliseconds timeout);
  // The next line the program wrote to its descriptor 3 (options.reply_channel), waiting at
  // most `timeout`; what it prints meanwhile goes to the log. Ends like read_until.
  ProcessResult read_reply(std::chrono::milliseconds timeout);
  // The end of what it printed (stdout and stderr, its last 16 KiB at least) while replies were
  // read or requests sent; the whole of it, up to a limit, is in options.log_file.
  const std::string& log() const { return m_log; }
  int pid() const { return m_pid; }
  void kill();

 private:
  Child() = default;
  void reap(bool wait);
  // Reads what it printed, without waiting, into the log (so it never blocks on a full pipe
  // while a request is sent).
  void drain_output();
  void keep_output(const char* data, std::size_t size);

  int m_pid = -1;
  int m_input = -1;
  int m_output = -1;
  int m_reply = -1;
  bool m_exited = false;
  int m_status = 0;
  std::string m_pending;  // read past the last answer
  std::string m_replies;  // read on the reply channel past the last reply
  std::string m_log;
  int m_log_file = -1;
  std::size_t m_log_limit = 0;
  std::size_t m_log_written = 0;
  std::size_t m_log_dropped = 0;  // past the limit
};

}  // namespace kevolve::util
