#include "util/terminal.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace kevolve::util {

bool is_smart_terminal(std::FILE* stream) {
  const char* term = std::getenv("TERM");
  return isatty(fileno(stream)) && term && std::strcmp(term, "dumb") != 0;
}

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  return is_smart_terminal(stream) && !(no_color && *no_color);
}

}  // namespace kevolve::util
