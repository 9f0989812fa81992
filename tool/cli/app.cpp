#include "analyzers/libclang.hpp"
#include "tool/cli/commands.hpp"
#include "util/environment.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace kevolve::tool {

std::string version_text() {
  return fmt::format("kevolve {}\nlibclang: {}\n", KEVOLVE_VERSION_STRING,
                     analyzers::libclang_version());
}

namespace {

// The command line, with the words of KEVOLVE_TUNE_ARGS after it when the command is `tune`:
// how `cmake --build b --target kevolve_tune` takes options (docs/cmake.md). The words are
// split like a shell splits them (quotes, backslashes), never expanded or run by one. The
// global options are flags, so the first word not starting with '-' is the command.
std::vector<std::string> arguments(int argc, char** argv, std::string& added) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  auto command = std::find_if(args.begin(), args.end(),
                              [](const std::string& a) { return a.empty() || a[0] != '-'; });
  if (command != args.end() && *command == "tune") {
    if (auto extra = util::environment("KEVOLVE_TUNE_ARGS")) {
      for (std::string& word : util::split_command_line(*extra)) args.push_back(std::move(word));
      added = *extra;
    }
  }
  return args;
}

}  // namespace

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
  add_report_command(app, action);
  add_worker_command(app, action);
  add_space_command(app, action);
  add_hw_command(app, action);
  add_knowledge_command(app, action);

  std::string added;  // KEVOLVE_TUNE_ARGS, when its words were appended
  try {
    std::vector<std::string> args = arguments(argc, argv, added);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    if (code != 0 && !added.empty())
      fmt::print(stderr, "kevolve: the command line ends with KEVOLVE_TUNE_ARGS's words: {}\n",
                 added);
    return code == 0 ? 0 : 2;
  }
  util::log::configure(verbose);
  return action ? action() : 2;
}

}  // namespace kevolve::tool
