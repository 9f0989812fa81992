#include "util/process.hpp"

// How this works: fork; the child makes itself a process-group leader, points stdout and stderr
// at one pipe and execs. A second, close-on-exec pipe reports a failed exec (its errno) to the
// parent. The parent reads output until the child has exited and the pipe is drained; at the
// timeout it kills the whole group, which also stops grandchildren that hold the pipe open.

#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kevolve::util {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options,
                             int output_fd, int status_fd) {
  setpgid(0, 0);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  int null = open("/dev/null", O_RDONLY);
  if (null >= 0) dup2(null, STDIN_FILENO);
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
  int status[2];
  if (pipe2(output, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0) {
    return unexpected(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(errno)));
  }
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    return unexpected(fmt::format("cannot run {}: fork: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) exec_child(argv, options, output[1], status[1]);
  setpgid(pid, pid);  // also here, so the group exists before any kill
  close(output[1]);
  close(status[1]);

  int exec_error = 0;
  bool exec_failed = read(status[0], &exec_error, sizeof exec_error) == sizeof exec_error;
  close(status[0]);

  ProcessResult result;
  bool exited = false;
  int wait_status = 0;
  bool open = true;
  char buffer[65536];
  while (open || !exited) {
    if (!exited && waitpid(pid, &wait_status, WNOHANG) == pid) exited = true;
    auto elapsed = Clock::now() - start;
    if (options.timeout.count() > 0 && elapsed > options.timeout && !result.timed_out) {
      kill(-pid, SIGKILL);
      result.timed_out = true;
    }
    if (interrupted() && !result.interrupted) {
      kill(-pid, SIGKILL);
      result.interrupted = true;
    }
    if (!open) {
      if (!exited) {
        waitpid(pid, &wait_status, 0);
        exited = true;
      }
      break;
    }
    pollfd p{output[0], POLLIN, 0};
    int ready = poll(&p, 1, 50);
    if (ready > 0) {
      ssize_t n = read(output[0], buffer, sizeof buffer);
      if (n > 0) {
        std::size_t room = options.max_output > result.output.size()
                               ? options.max_output - result.output.size()
                               : 0;
        result.output.append(buffer, std::min(room, static_cast<std::size_t>(n)));
      } else if (n == 0 || errno != EINTR) {
        open = false;
      }
    } else if (exited && ready == 0) {
      // The program has exited; a descendant still holds the pipe. Stop it and drain.
      kill(-pid, SIGKILL);
    }
  }
  close(output[0]);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (exec_failed) {
    return unexpected(fmt::format("cannot run {}: {}", argv[0], std::strerror(exec_error)));
  }
  if (WIFEXITED(wait_status)) result.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) result.signal = WTERMSIG(wait_status);
  return result;
}

}  // namespace kevolve::util
