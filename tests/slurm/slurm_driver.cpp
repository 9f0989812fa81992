// Drives tool/cluster's SLURM client for tests/slurm/slurm.bash (a test program, not a product):
//   kevolve_slurm_driver submit SCRIPT_DIR NAME [--array A] [--time SECONDS] [--gres G]
//                        [--output FILE] [--extra --SBATCH-OPTION]... -- COMMAND...
//                                                            prints the job id
//   kevolve_slurm_driver wait INTERVAL_MS TIMEOUT_S ID...    prints "ID OUTCOME CODE SIGNAL NODE"
//                                                            per job or task ("- -": no exit
//                                                            status), then "squeue calls: N"
//   kevolve_slurm_driver cancel ID...
// Errors go to stderr with exit status 1.

#include "tool/cluster/slurm.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace kevolve::cluster;

int fail(const std::string& message) {
  fmt::print(stderr, "kevolve_slurm_driver: {}\n", message);
  return 1;
}

int submit(const std::vector<std::string>& args) {
  if (args.size() < 2) return fail("submit SCRIPT_DIR NAME [options] -- COMMAND...");
  SlurmSettings settings;
  settings.script_dir = args[0];
  JobRequest request;
  request.name = args[1];
  std::size_t i = 2;
  for (; i < args.size() && args[i] != "--"; i += 2) {
    if (i + 1 >= args.size()) return fail(args[i] + " needs a value");
    const auto& value = args[i + 1];
    if (args[i] == "--array") {
      request.array = value;
    } else if (args[i] == "--time") {
      request.time_limit = std::chrono::seconds(kevolve::util::parse_int(value).value_or(0));
    } else if (args[i] == "--gres") {
      request.gres = value;
    } else if (args[i] == "--output") {
      request.output = value;
    } else if (args[i] == "--extra") {
      request.extra_options.push_back(value);
    } else {
      return fail("unknown option " + args[i]);
    }
  }
  request.command.assign(args.begin() + std::min(i + 1, args.size()), args.end());
  SlurmClient client(settings);
  auto id = client.submit(request);
  if (!id) return fail(id.error());
  fmt::print("{}\n", *id);
  return 0;
}

int wait(const std::vector<std::string>& args) {
  if (args.size() < 3) return fail("wait INTERVAL_MS TIMEOUT_S ID...");
  SlurmSettings settings;
  settings.poll_interval = std::chrono::milliseconds(kevolve::util::parse_int(args[0]).value_or(0));
  SlurmClient client(settings);
  const std::vector<std::string> ids(args.begin() + 2, args.end());
  auto statuses =
      client.wait(ids, std::chrono::seconds(kevolve::util::parse_int(args[1]).value_or(0)));
  if (!statuses) return fail(statuses.error());
  for (const auto& s : *statuses) {
    const auto exit = s.exit ? fmt::format("{} {}", s.exit->code, s.exit->signal) : "- -";
    fmt::print("{} {} {} {}\n", s.id, to_string(s.outcome), exit, s.node.empty() ? "-" : s.node);
  }
  fmt::print("squeue calls: {}\n", client.squeue_calls());
  return 0;
}

int cancel(const std::vector<std::string>& args) {
  SlurmClient client(SlurmSettings{});
  auto cancelled = client.cancel(args);
  return cancelled ? 0 : fail(cancelled.error());
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + std::min(argc, 2), argv + argc);
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "submit") return submit(args);
  if (command == "wait") return wait(args);
  if (command == "cancel") return cancel(args);
  return fail("usage: submit | wait | cancel (see the top of tests/slurm/slurm_driver.cpp)");
}
