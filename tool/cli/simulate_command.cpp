// `kevolve simulate <cache>`: replays a search strategy on a recorded brute-force space
// (Kernel Tuner's cache format) and scores it, without a GPU (docs/design.md §6).

#include "tool/cli/commands.hpp"
#include "tool/search/registry.hpp"
#include "tool/search/simulate.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kevolve::tool {

namespace {

struct SimulateOptions {
  std::string cache;
  std::string strategy = std::string(search::default_strategy());
  std::uint64_t budget = 100;
  int repeats = 100;
  std::uint64_t seed = 1;
  std::size_t batch = 1;
  bool json = false;
};

int run_simulate(const SimulateOptions& o) {
  if (o.budget == 0) throw Error("--budget must be at least 1");
  auto recorded = search::load_recorded_space(o.cache);
  if (!recorded) throw Error(recorded.error());
  const std::uint64_t size = recorded->space.size();
  if (o.budget > size) {
    fmt::print(stderr,
               "kevolve: note: the budget of {} is more than the {} configurations of the space: "
               "every run evaluates all of them and finds the optimum (as exhaustive does)\n",
               o.budget, size);
  }
  search::SimulationOptions options{o.strategy, o.budget, o.repeats, o.seed, o.batch};
  auto result = search::simulate(*recorded, options);
  if (!result) throw Error(result.error());

  if (o.json) {
    util::Json out = util::Json::object();
    out["schema"] = 1;
    out["strategy"] = o.strategy;
    out["budget"] = std::min(o.budget, size);
    out["repeats"] = o.repeats;
    out["seed"] = o.seed;
    out["batch"] = o.batch;
    out["space"] = {
        {"file", o.cache}, {"kernel", recorded->kernel}, {"device", recorded->device},
        {"valid", size},   {"failed", recorded->failed}, {"optimum", recorded->optimum_ms},
        {"unit", "ms"}};
    out["mean_fraction_of_optimum"] = result->mean;
    out["median_fraction_of_optimum"] = result->median;
    out["hit_rate_5pct"] = result->hit_rate;
    out["fractions"] = result->fractions;
    fmt::print("{}", util::dump_json(out));
    return 0;
  }
  fmt::print("space     {}{}{}: {} configurations ({} failed), optimum {:.4g} ms\n", o.cache,
             recorded->kernel.empty() ? "" : ", " + recorded->kernel,
             recorded->device.empty() ? "" : " on " + recorded->device, size, recorded->failed,
             recorded->optimum_ms);
  fmt::print("strategy  {}, budget {}, {} runs (seed {}{})\n", o.strategy, std::min(o.budget, size),
             o.repeats, o.seed, o.batch > 1 ? fmt::format(", batches of {}", o.batch) : "");
  fmt::print("fraction of optimum: mean {:.3f}, median {:.3f}; within 5% of it: {:.0f}% of runs\n",
             result->mean, result->median, 100 * result->hit_rate);
  return 0;
}

}  // namespace

void add_simulate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Score a search strategy on a recorded brute-force space (Kernel Tuner cache, .json or "
      ".json.gz), without a GPU");
  cmd->add_option("cache", o->cache, "The Kernel Tuner cache file")->required();
  cmd->add_option("--strategy", o->strategy,
                  fmt::format("Search strategy (default {})", search::default_strategy()))
      ->check([](const std::string& name) { return search::check_strategy_name(name); });
  cmd->add_option("--budget", o->budget, "Evaluations per run, failed ones included (default 100)");
  cmd->add_option("--repeats", o->repeats, "Independent runs (default 100)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", o->seed, "Seed of the first run (default 1)");
  cmd->add_option("--batch", o->batch,
                  "Points proposed before their results come back, as parallel builds do "
                  "(default 1)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  cmd->add_flag("--json", o->json, "Print JSON, with every run's fraction of optimum");
  cmd->callback([o, &action] { action = [o] { return run_simulate(*o); }; });
}

}  // namespace kevolve::tool
