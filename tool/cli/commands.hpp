#pragma once

// Each command adds itself to the CLI as a subcommand whose action returns the exit code.
// Actions report bad input by throwing kevolve::Error; usage errors are CLI11's (exit 2).

#include <CLI/CLI.hpp>

#include <functional>

namespace kevolve::tool {

using Action = std::function<int()>;

// The action chosen on the command line is stored in `action`.
void add_space_command(CLI::App& app, Action& action);
void add_hw_command(CLI::App& app, Action& action);
void add_knowledge_command(CLI::App& app, Action& action);
void add_scan_command(CLI::App& app, Action& action);
void add_tune_command(CLI::App& app, Action& action);
void add_apply_command(CLI::App& app, Action& action);
void add_status_command(CLI::App& app, Action& action);
void add_show_command(CLI::App& app, Action& action);
void add_accept_command(CLI::App& app, Action& action);
void add_adopt_command(CLI::App& app, Action& action);
void add_simulate_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
void add_worker_command(CLI::App& app, Action& action);

// `kevolve --version`: kevolve's version and the libraries it was built with.
std::string version_text();

// Runs kevolve with the given arguments; returns the exit code.
int run(int argc, char** argv);

}  // namespace kevolve::tool
