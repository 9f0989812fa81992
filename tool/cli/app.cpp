#include "analyzers/libclang.hpp"
#include "tool/cli/commands.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

namespace kevolve::tool {

std::string version_text() {
  return fmt::format("kevolve {}\nlibclang: {}\n", KEVOLVE_VERSION_STRING,
                     analyzers::libclang_version());
}

int run(int argc, char** argv) {
  CLI::App app{"kevolve: kernel tuning as part of the build", "kevolve"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every command");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log what kevolve does to stderr (also: KEVOLVE_LOG_FILE)");
  app.add_flag_callback(
      "--version",
      [] {
        fmt::print("{}", version_text());
        throw CLI::Success();
      },
      "Print the versions of kevolve and its libraries");

  Action action;
  add_scan_command(app, action);
  add_tune_command(app, action);
  add_apply_command(app, action);
  add_status_command(app, action);
  add_show_command(app, action);
  add_accept_command(app, action);
  add_adopt_command(app, action);
  add_simulate_command(app, action);
  add_space_command(app, action);
  add_hw_command(app, action);
  add_knowledge_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  util::log::configure(verbose);
  return action ? action() : 2;
}

}  // namespace kevolve::tool
