#include "util/process.hpp"

// How this works: fork; the child makes itself the leader of a new session and process group
// (so it has no controlling terminal to read or inject input into), points stdout and stderr at
// one pipe and execs. A second, close-on-exec pipe reports a failed exec (its errno) to the
// parent. The parent reads output until the child has exited and the pipe is drained. At the
// timeout or an interrupt it kills the whole group. A descendant may still hold the pipe (one
// that left the group with setsid), so reading never waits for the pipe to close: once the
// child has exited or was killed, the reader drains for at most k_drain_grace, then closes its
// end and returns. The child is noticed exiting without being reaped (waitid's WNOWAIT), so its
// pid, and with it the group id, cannot be reused while the group is killed.

#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace kevolve::util {

namespace {

using Clock = std::chrono::steady_clock;

// How long output is still read after the child has exited or was killed.
constexpr std::chrono::milliseconds k_drain_grace{500};
constexpr std::chrono::milliseconds k_poll_interval{50};

// True once `pid` has exited; it stays a zombie (so its pid still names its group) until reaped.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Kills what is left of the group of the exited or killed `pid`, then reaps it.
int reap_group(pid_t pid) {
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Writes all of `data`; false when the file refuses (a full disk).
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Waits for `fd` to be readable for at most `wait`; true when a read would not block.
bool readable(int fd, Clock::duration wait) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(std::max<long long>(ms, 0))) > 0;
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options,
                             int output_fd, int status_fd, int input_fd = -1, int reply_fd = -1) {
  if (setsid() < 0) setpgid(0, 0);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  int input = input_fd >= 0 ? input_fd : open("/dev/null", O_RDONLY);
  if (input >= 0) dup2(input, STDIN_FILENO);
  if (reply_fd >= 0) {
    // Descriptor 3 may be the status pipe: move it out of the way first.
    status_fd = fcntl(status_fd, F_DUPFD_CLOEXEC, 10);
    const int high = fcntl(reply_fd, F_DUPFD, 10);
    dup2(high, 3);
    close(high);
  }
  if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
    int error = errno;
    (void)!write(status_fd, &error, sizeof error);
    _exit(127);
  }
  for (const std::string& entry : options.environment) putenv(const_cast<char*>(entry.c_str()));
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  int error = errno;
  (void)!write(status_fd, &error, sizeof error);
  _exit(127);
}

// Forks and execs `argv` with its output on `output_fd` (and input from `input_fd`): the child's
// pid, or why it could not run (a failed exec is reaped here).
Expected<pid_t> spawn(const std::vector<std::string>& argv, const ProcessOptions& options,
                      int output_fd, int input_fd = -1, int reply_fd = -1) {
  int status[2];
  if (pipe2(status, O_CLOEXEC) != 0)
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(status[0]);
    close(status[1]);
    return unexpected(fmt::format("cannot run {}: fork: {}", argv[0], std::strerror(error)));
  }
  if (pid == 0) exec_child(argv, options, output_fd, status[1], input_fd, reply_fd);
  close(status[1]);  // the read below returns once it has exec'd: its group exists by then
  int exec_error = 0;
  const bool exec_failed = read(status[0], &exec_error, sizeof exec_error) == sizeof exec_error;
  close(status[0]);
  if (exec_failed) {
    waitpid(pid, nullptr, 0);
    return unexpected(fmt::format("cannot run {}: {}", argv[0], std::strerror(exec_error)));
  }
  return pid;
}

}  // namespace

std::string ProcessResult::describe() const {
  if (interrupted) return "interrupted";
  if (timed_out) return fmt::format("timed out after {:.1f} s", seconds);
  if (signal != 0) return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
  return fmt::format("exit {}", exit_code);
}

Expected<ProcessResult> run_process(const std::vector<std::string>& argv,
                                    const ProcessOptions& options) {
  if (argv.empty()) return unexpected(std::string("no program to run"));
  int output[2];
  if (pipe2(output, O_CLOEXEC) != 0)
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(errno)));
  auto start = Clock::now();
  auto spawned = spawn(argv, options, output[1]);
  close(output[1]);
  if (!spawned) {
    close(output[0]);
    return unexpected(spawned.error());
  }
  const pid_t pid = *spawned;

  ProcessResult result;
  bool exited = false;
  bool open = true;
  std::optional<Clock::time_point> drain_until;  // set once it has exited or was killed
  Clock::duration closed_wait = std::chrono::microseconds(50);
  char buffer[65536];
  for (;;) {
    auto now = Clock::now();
    if (!exited && has_exited(pid)) exited = true;
    if (!exited && !drain_until) {
      if (options.timeout.count() > 0 && now - start > options.timeout)
        result.timed_out = true;
      else if (!options.survives_interrupt && interrupted())
        result.interrupted = true;
      if (result.timed_out || result.interrupted) kill(-pid, SIGKILL);
    }
    if (!drain_until && (exited || result.timed_out || result.interrupted))
      drain_until = now + k_drain_grace;
    if (exited && !open) break;
    if (drain_until && now >= *drain_until) break;
    auto wait = drain_until ? std::min<Clock::duration>(k_poll_interval, *drain_until - now)
                            : Clock::duration(k_poll_interval);
    if (!open) {
      // Its output is closed; it usually exits a moment later, else it runs on until the
      // timeout: look again soon, then less often.
      std::this_thread::sleep_for(std::min<Clock::duration>(wait, closed_wait));
      closed_wait = std::min<Clock::duration>(closed_wait * 2, std::chrono::milliseconds(10));
      continue;
    }
    if (!readable(output[0], wait)) {
      // Exited, yet something of its group still holds the pipe: stop it and drain.
      if (exited) kill(-pid, SIGKILL);
      continue;
    }
    ssize_t n = read(output[0], buffer, sizeof buffer);
    if (n > 0) {
      std::size_t room =
          options.max_output > result.output.size() ? options.max_output - result.output.size() : 0;
      result.output.append(buffer, std::min(room, static_cast<std::size_t>(n)));
    } else if (n == 0 || errno != EINTR) {
      open = false;
    }
  }
  close(output[0]);
  const int wait_status = reap_group(pid);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(wait_status)) result.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
  return result;
}

Expected<Child> Child::start(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return unexpected(std::string("no program to run"));
  // A child that dies between requests must not take kevolve with it on the next write.
  signal(SIGPIPE, SIG_IGN);
  int input[2], output[2];
  if (pipe2(input, O_CLOEXEC) != 0)
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(errno)));
  if (pipe2(output, O_CLOEXEC) != 0) {
    const int error = errno;
    close(input[0]);
    close(input[1]);
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(error)));
  }
  int reply[2] = {-1, -1};
  if (options.reply_channel && pipe2(reply, O_CLOEXEC) != 0) {
    const int error = errno;
    for (int fd : {input[0], input[1], output[0], output[1]}) close(fd);
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(error)));
  }
  // Opened here, before the program runs: it may write where the file lies (a sandbox's
  // scratch) but cannot redirect what this process writes.
  int log = -1;
  if (!options.log_file.empty()) {
    log =
        open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (log < 0) {
      const int error = errno;
      for (int fd : {input[0], input[1], output[0], output[1], reply[0], reply[1]})
        if (fd >= 0) close(fd);
      return unexpected(fmt::format("cannot run {}: its log {}: {}", argv[0],
                                    options.log_file.string(), std::strerror(error)));
    }
  }
  auto spawned = spawn(argv, options, output[1], input[0], reply[1]);
  close(input[0]);
  close(output[1]);
  if (reply[1] >= 0) close(reply[1]);
  if (!spawned) {
    close(input[1]);
    close(output[0]);
    if (reply[0] >= 0) close(reply[0]);
    if (log >= 0) close(log);
    return unexpected(spawned.error());
  }
  Child child;
  child.m_pid = *spawned;
  child.m_input = input[1];
  child.m_output = output[0];
  child.m_reply = reply[0];
  child.m_log_file = log;
  child.m_log_limit = options.max_output;
  return child;
}

Child::Child(Child&& other) noexcept { *this = std::move(other); }

Child& Child::operator=(Child&& other) noexcept {
  std::swap(m_pid, other.m_pid);
  std::swap(m_input, other.m_input);
  std::swap(m_output, other.m_output);
  std::swap(m_reply, other.m_reply);
  std::swap(m_exited, other.m_exited);
  std::swap(m_status, other.m_status);
  std::swap(m_pending, other.m_pending);
  std::swap(m_replies, other.m_replies);
  std::swap(m_log, other.m_log);
  std::swap(m_log_file, other.m_log_file);
  std::swap(m_log_limit, other.m_log_limit);
  std::swap(m_log_written, other.m_log_written);
  std::swap(m_log_dropped, other.m_log_dropped);
  return *this;
}

Child::~Child() { kill(); }

void Child::reap(bool wait) {
  if (m_pid < 0 || m_exited) return;
  if (!wait && !has_exited(m_pid)) return;
  m_status = reap_group(m_pid);
  m_exited = true;
}

bool Child::running() {
  reap(false);
  return m_pid >= 0 && !m_exited;
}

void Child::kill() {
  if (m_pid >= 0 && !m_exited) {
    ::kill(-m_pid, SIGKILL);
    reap(true);
  }
  drain_output();  // its last words: often why it failed
  if (m_input >= 0) close(m_input);
  if (m_output >= 0) close(m_output);
  if (m_reply >= 0) close(m_reply);
  m_input = m_output = m_reply = -1;
  if (m_log_file >= 0) {
    if (m_log_dropped > 0) {
      std::string note = fmt::format("\n[kevolve: {} more output was not kept past {}]\n",
                                     format_bytes(m_log_dropped), format_bytes(m_log_limit));
      (void)write_all(m_log_file, note.data(), note.size());
    }
    close(m_log_file);
    m_log_file = -1;
  }
}

void Child::keep_output(const char* data, std::size_t size) {
  constexpr std::size_t k_tail = 16 * 1024;
  m_log.append(data, size);
  if (m_log.size() > 2 * k_tail) m_log.erase(0, m_log.size() - k_tail);
  if (m_log_file < 0) return;
  const std::size_t kept = std::min(size, m_log_limit - std::min(m_log_limit, m_log_written));
  if (kept > 0 && write_all(m_log_file, data, kept))
    m_log_written += kept;
  else
    m_log_dropped += kept;
  m_log_dropped += size - kept;
}

void Child::drain_output() {
  // Bounded: a descendant that left the group may hold the pipe and write on.
  char buffer[65536];
  for (std::size_t drained = 0; m_output >= 0 && drained < (std::size_t{4} << 20);) {
    if (!readable(m_output, Clock::duration::zero())) return;
    ssize_t n = read(m_output, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(m_output);
      m_output = -1;
      return;
    }
    keep_output(buffer, static_cast<std::size_t>(n));
    drained += static_cast<std::size_t>(n);
  }
}

Expected<void> Child::send(const std::string& line) {
  drain_output();
  std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = m_input < 0 ? -1 : write(m_input, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return unexpected(fmt::format("the program stopped reading: {}", std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
  return {};
}

ProcessResult Child::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  ProcessResult result;
  auto start = Clock::now();
  auto finish = [&] {
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (m_exited) {
      if (WIFEXITED(m_status)) result.exit_code = WEXITSTATUS(m_status);
      if (WIFSIGNALED(m_status)) result.signal = WTERMSIG(m_status);
    }
    return result;
  };
  std::optional<Clock::time_point> drain_until;  // set once it has exited or was killed
  char buffer[65536];
  for (;;) {
    // An answer: a line starting with the marker, complete with its newline.
    for (std::size_t at = 0; !result.timed_out && !result.interrupted &&
                             (at = m_pending.find(marker, at)) != std::string::npos;
         ++at) {
      if (at != 0 && m_pending[at - 1] != '\n') continue;
      std::size_t end = m_pending.find('\n', at);
      if (end == std::string::npos) break;
      result.output = m_pending.substr(0, end + 1);
      m_pending.erase(0, end + 1);
      result.exit_code = 0;
      return finish();
    }
    auto now = Clock::now();
    if (!drain_until) {
      const bool exited = m_exited || has_exited(m_pid);
      if (!exited && timeout.count() > 0 && now - start > timeout)
        result.timed_out = true;
      else if (!exited && interrupted())
        result.interrupted = true;
      if (result.timed_out || result.interrupted) ::kill(-m_pid, SIGKILL);
      if (exited || result.timed_out || result.interrupted) drain_until = now + k_drain_grace;
    }
    if (m_output < 0 || (drain_until && now >= *drain_until)) {
      result.output = std::exchange(m_pending, {});
      kill();  // what is left of its group, then its end of the pipes
      return finish();
    }
    auto wait = drain_until ? std::min<Clock::duration>(k_poll_interval, *drain_until - now)
                            : Clock::duration(k_poll_interval);
    if (!readable(m_output, wait)) continue;
    ssize_t n = read(m_output, buffer, sizeof buffer);
    if (n > 0) {
      if (m_pending.size() < (std::size_t{64} << 20))
        m_pending.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close(m_output);  // it exited (or closed its output): no answer will come
      m_output = -1;
    }
  }
}

ProcessResult Child::read_reply(std::chrono::milliseconds timeout) {
  ProcessResult result;
  const auto start = Clock::now();
  auto finish = [&](bool timed_out) {
    result.timed_out = timed_out;
    result.interrupted = !timed_out && interrupted();
    if (timed_out || result.interrupted) kill();
    reap(!timed_out && !result.interrupted);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (m_exited) {
      if (WIFEXITED(m_status)) result.exit_code = WEXITSTATUS(m_status);
      if (WIFSIGNALED(m_status)) result.signal = WTERMSIG(m_status);
    }
    return result;
  };
  char buffer[65536];
  for (;;) {
    if (std::size_t end = m_replies.find('\n'); end != std::string::npos) {
      result.output = m_replies.substr(0, end);
      m_replies.erase(0, end + 1);
      result.exit_code = 0;
      result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return result;
    }
    if (m_reply < 0) {
      ::kill(-m_pid, SIGKILL);  // it closed its reply channel: no reply will come
      return finish(false);
    }
    if (timeout.count() > 0 && Clock::now() - start > timeout) return finish(true);
    if (interrupted()) return finish(false);
    pollfd p[2] = {{m_reply, POLLIN, 0}, {m_output, POLLIN, 0}};
    if (poll(p, m_output >= 0 ? 2 : 1, 50) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(p[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      int& fd = i == 0 ? m_reply : m_output;
      if (n <= 0) {
        close(fd);
        fd = -1;
        continue;
      }
      if (i == 1) {
        keep_output(buffer, static_cast<std::size_t>(n));
        continue;
      }
      m_replies.append(buffer, static_cast<std::size_t>(n));
      if (m_replies.size() > (std::size_t{16} << 20)) m_replies.erase();  // no line
    }
  }
}

}  // namespace kevolve::util
