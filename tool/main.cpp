#include "tool/cli/commands.hpp"
#include "util/error.hpp"
#include "util/terminal.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  auto report = [](const char* what) {
    bool color = kevolve::util::use_color(stderr);
    fmt::print(stderr, "kevolve: {}error:{} {}\n", color ? "\033[1;31m" : "",
               color ? "\033[0m" : "", what);
  };
  try {
    return kevolve::tool::run(argc, argv);
  } catch (const kevolve::Error& e) {
    report(e.what());
    return 1;
  } catch (const std::exception& e) {
    report(fmt::format("internal error: {}", e.what()).c_str());
    return 1;
  }
}
