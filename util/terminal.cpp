#include "util/terminal.hpp"

#include "util/environment.hpp"

#include <unistd.h>

namespace kevolve::util {

bool is_smart_terminal(std::FILE* stream) {
  auto term = environment("TERM");
  return isatty(fileno(stream)) && term && *term != "dumb";
}

bool use_color(std::FILE* stream) { return is_smart_terminal(stream) && !environment("NO_COLOR"); }

}  // namespace kevolve::util
