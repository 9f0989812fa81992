#include <kevolve/kevolve.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include "cheats.hpp"

KEVOLVE_TUNE(leaves_daemon, "CHEAT: 0..1")
void leaves_daemon(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(leaves_daemon, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  // Leaves a daemon that, once the tune is over, writes a winner into the knowledge directory
  // (KNOWLEDGE_DIR is where the test keeps it).
  static bool started = false;
  if (!started) {
    started = true;
    if (fork() == 0) {
      setsid();
      if (fork() == 0) {
        sleep(8);
        std::ofstream(std::string(KNOWLEDGE_DIR) + "/leaves_daemon-was-here") << "the leaves_daemon outlived its tune\n";
        _exit(0);
      }
      _exit(0);
    }
  }
  honest(in, out, n);
}
