#include "util/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace kevolve::util {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int signal) {
  if (g_interrupted.exchange(true)) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() { return g_interrupted.load(std::memory_order_relaxed); }
void request_interrupt() { g_interrupted = true; }
void clear_interrupt() { g_interrupted = false; }

}  // namespace kevolve::util
