// `kevolve worker`: what kevolve's jobs run on a cluster's nodes (docs/cluster.md). Not for
// people: the SLURM executor submits it with the work directory it prepared.

#include "tool/cli/commands.hpp"
#include "tool/executor/worker.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <string>

namespace kevolve::tool {

namespace {

struct WorkerOptions {
  std::string dir;
  std::string task;  // build: the array task; default: SLURM_ARRAY_TASK_ID
  int stride = 1;    // build: the array's tasks
  int idle_s = 600;
};

int finish(const util::Expected<void>& done, const char* what) {
  if (done) return 0;
  fmt::print(stderr, "kevolve worker {}: {}\n", what, done.error());
  return 1;
}

}  // namespace

void add_worker_command(CLI::App& app, Action& action) {
  CLI::App* cmd = app.add_subcommand(
      "worker", "Run a cluster job of kevolve's (the SLURM executor submits it)");
  cmd->group("");  // hidden from --help: not a command for people
  cmd->require_subcommand(1);
  auto o = std::make_shared<WorkerOptions>();

  CLI::App* devices = cmd->add_subcommand("devices", "Write this node's devices into DIR");
  devices->add_option("dir", o->dir)->required();
  devices->callback([o, &action] {
    action = [o] { return finish(executor::probe_devices(o->dir), "devices"); };
  });

  CLI::App* build = cmd->add_subcommand("build", "Build the candidate of one array task of DIR");
  build->add_option("dir", o->dir)->required();
  build->add_option("--task", o->task, "The task (default: SLURM_ARRAY_TASK_ID)");
  build->add_option("--stride", o->stride, "The array's tasks: task k builds k, k + stride, ...")
      ->check(CLI::PositiveNumber);
  build->callback([o, &action] {
    action = [o] {
      std::string task =
          o->task.empty() ? util::environment("SLURM_ARRAY_TASK_ID").value_or("") : o->task;
      if (task.empty() || task.size() > 9 ||
          task.find_first_not_of("0123456789") != std::string::npos)
        throw Error("kevolve worker build: no array task (--task or SLURM_ARRAY_TASK_ID)");
      return finish(executor::build_task(o->dir, std::stoi(task), o->stride), "build");
    };
  });

  CLI::App* serve =
      cmd->add_subcommand("serve", "Evaluate one unit's candidates for the tune in DIR");
  serve->add_option("dir", o->dir)->required();
  serve->add_option("--idle", o->idle_s, "Seconds without a request before it ends (600)");
  serve->callback([o, &action] {
    action = [o] {
      util::install_interrupt_handlers();
      return finish(executor::serve_unit(o->dir, std::chrono::seconds(o->idle_s)), "serve");
    };
  });
}

}  // namespace kevolve::tool
