#include "util/log.hpp"

#include "util/environment.hpp"

#include <cstdio>
#include <mutex>

namespace kevolve::util::log {

bool g_enabled = false;

namespace {
bool g_to_stderr = false;
std::FILE* g_file = nullptr;
std::mutex g_mutex;
}  // namespace

void configure(bool verbose) {
  g_to_stderr = verbose;
  if (auto path = environment("KEVOLVE_LOG_FILE"); path && !g_file)
    g_file = std::fopen(path->c_str(), "a");
  g_enabled = g_to_stderr || g_file;
}

void write(std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (g_to_stderr) std::fprintf(stderr, "kevolve: %.*s\n", int(message.size()), message.data());
  if (g_file) {
    std::fprintf(g_file, "%.*s\n", int(message.size()), message.data());
    std::fflush(g_file);
  }
}

}  // namespace kevolve::util::log
