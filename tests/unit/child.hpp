#pragma once

// Runs a part of a test in a forked child, for what could crash or hang the test binary (a FIFO
// that blocks, a stack overflow): the child is killed by SIGALRM after `timeout_s`, so no test
// can hang, and a crash becomes a failed check instead of the end of the run.

#include <sys/wait.h>
#include <unistd.h>

namespace kevolve::test {

// The child's exit status, or 128 + the signal that ended it (SIGALRM: it hung).
template <typename F>
int in_child(F child, unsigned timeout_s) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(timeout_s);
    ::_exit(child());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace kevolve::test
