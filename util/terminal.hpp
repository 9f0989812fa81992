#pragma once

// What kind of terminal output goes to (ninja's LinePrinter rules): redraw progress lines
// only on a real terminal whose TERM is not "dumb"; colour only there and without NO_COLOR.

#include <cstdio>

namespace kevolve::util {

bool is_smart_terminal(std::FILE* stream);
bool use_color(std::FILE* stream);

}  // namespace kevolve::util
