// The agent benchmark (issue 19, "Benchmark"; docs/results/agent.md): for each pool in
// bench/agent/pools/ and each seed, runs the `tree` strategy, a single incumbent with
// keep/revert, and random variants plus parameter search, with a scripted model
// (simulation.hpp), and prints markdown tables on stdout: LLM calls and evaluations to reach the
// pool's best, and the fraction of its speedup reached at fixed call budgets. A simulation: see
// docs/results/agent.md for what it shows and what it cannot.
//
//   build/bench/agent_bench [--seeds 20] [--calls 24] [--kernel NAME]... [--pools DIR]
//                           [--trace] [--show-prompt KERNEL] [--floor]
// The tree policy's settings (agent::PolicySettings) and the timing noise can be changed, to try
// a policy: --exploration, --fresh-after, --params-rounds, --combine-min-speedup,
// --miss-discount, --focus-until-stall, --noise; without passages (--no-retrieval); and changes
// around it (simulation.hpp): --what-if-dedupe, --what-if-repeat-prompts. --floor adds each pool's
// floor: the fewest calls any run of the tree's prompts needs (simulation.hpp, floor_calls).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "pool.hpp"
#include "simulation.hpp"
#include "util/stats.hpp"

namespace {

using namespace agent_bench;

constexpr Strategy k_strategies[] = {Strategy::tree, Strategy::keep_revert, Strategy::random};

struct Options {
  std::string pools = KEVOLVE_SOURCE_DIR "/bench/agent/pools";
  std::vector<std::string> kernels;
  int seeds = 20;
  Settings settings;
  bool trace = false;
  bool floor = false;
  std::string show_prompt;
};

constexpr int k_floor_max_calls = 6;  // deeper than every pool's best; the search grows fast

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr,
               "agent_bench: %s\nusage: agent_bench [--seeds N] [--calls N] [--kernel NAME]... "
               "[--pools DIR] [--trace] [--show-prompt KERNEL] [--floor]\n"
               "       [--exploration X] [--fresh-after N] [--params-rounds N] "
               "[--combine-min-speedup X] [--miss-discount X] [--focus-until-stall N]\n"
               "       [--noise SIGMA]\n"
               "       [--no-retrieval] [--what-if-dedupe] [--what-if-repeat-prompts]\n",
               what.c_str());
  std::exit(2);
}

int positive(const char* text, const char* flag) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 1 || value > 100000)
    usage_error(fmt::format("{} expects a whole number from 1 to 100000, got '{}'", flag, text));
  return static_cast<int>(value);
}

int whole(const char* text, const std::string& flag) {
  return text[0] == '0' && text[1] == '\0' ? 0 : positive(text, flag.c_str());
}

double number(const char* text, const std::string& flag) {
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (*text == '\0' || *end != '\0' || !(value >= 0 && value <= 1e6))
    usage_error(fmt::format("{} expects a number from 0 to 1e6, got '{}'", flag, text));
  return value;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--seeds")
      o.seeds = positive(value(), "--seeds");
    else if (flag == "--calls")
      o.settings.calls = positive(value(), "--calls");
    else if (flag == "--kernel")
      o.kernels.emplace_back(value());
    else if (flag == "--pools")
      o.pools = value();
    else if (flag == "--exploration")
      o.settings.policy.exploration = number(value(), flag);
    else if (flag == "--fresh-after")
      o.settings.policy.fresh_after = whole(value(), flag);
    else if (flag == "--params-rounds")
      o.settings.policy.params_rounds = whole(value(), flag);
    else if (flag == "--combine-min-speedup")
      o.settings.policy.combine_min_speedup = number(value(), flag);
    else if (flag == "--miss-discount")
      o.settings.policy.miss_discount = number(value(), flag);
    else if (flag == "--focus-until-stall")
      o.settings.policy.focus_until_stall = whole(value(), flag);
    else if (flag == "--noise")
      o.settings.noise = number(value(), flag);
    else if (flag == "--what-if-dedupe")
      o.settings.dedupe = true;
    else if (flag == "--what-if-repeat-prompts")
      o.settings.repeat_prompts = true;
    else if (flag == "--no-retrieval")
      o.settings.retrieval = false;
    else if (flag == "--floor")
      o.floor = true;
    else if (flag == "--trace")
      o.trace = true;
    else if (flag == "--show-prompt")
      o.show_prompt = value();
    else
      usage_error("unknown argument '" + flag + "'");
  }
  return o;
}

// The budgets the fraction is reported at: powers of two up to the call budget, and the budget.
std::vector<int> budgets_of(int calls) {
  std::vector<int> budgets;
  for (int b = 2; b < calls; b *= 2) budgets.push_back(b);
  budgets.push_back(calls);
  return budgets;
}

double mean(const std::vector<double>& xs) {
  return xs.empty() ? 0
                    : std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

// The standard error of the mean.
double error_of_mean(const std::vector<double>& xs) {
  if (xs.size() < 2) return 0;
  const double m = mean(xs);
  double sum = 0;
  for (double x : xs) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(xs.size() - 1) / static_cast<double>(xs.size()));
}

double median(std::vector<double> xs) { return xs.empty() ? 0 : kevolve::util::median(std::move(xs)); }

// One strategy's runs (over seeds, and kernels for the overall row).
struct Tally {
  std::vector<double> calls, evaluations;  // to the pool's best; not reached: at the budget
  std::vector<double> repeats;  // answers evaluated before in the run, until the best was reached
  struct Calls {
    int calls = 0, led = 0, repeats = 0, new_best = 0;
  };
  std::map<std::string, Calls> by_mode;         // every call of every run, by context mode
  int reached = 0, runs = 0, stopped = 0;       // stopped: before the budget (a repeated prompt)
  std::map<int, std::vector<double>> fraction;  // per budget: pool's best / the pick's time
};

void add(Tally& tally, const Trace& trace, const Pool& pool, const Options& o) {
  ++tally.runs;
  int repeats = 0;
  for (std::size_t i = 0; i < trace.calls.size(); ++i) {
    const Trace::Call& call = trace.calls[i];
    if (trace.calls_to_best < 0 || static_cast<int>(i) < trace.calls_to_best)
      repeats += call.repeat ? 1 : 0;
    Tally::Calls& c = tally.by_mode[call.mode.empty() ? "-" : call.mode];
    ++c.calls;
    c.led += call.led ? 1 : 0;
    c.repeats += call.repeat ? 1 : 0;
    c.new_best += call.new_best ? 1 : 0;
  }
  tally.repeats.push_back(repeats);
  tally.stopped += trace.stopped_after >= 0 ? 1 : 0;
  const bool reached = trace.calls_to_best >= 0;
  tally.reached += reached ? 1 : 0;
  tally.calls.push_back(reached ? trace.calls_to_best : o.settings.calls);
  tally.evaluations.push_back(static_cast<double>(reached ? trace.evaluations_to_best
                                                          : trace.evaluations_after_call.back()));
  for (int b : budgets_of(o.settings.calls)) {
    // A run that stopped early (its evaluation budget) keeps its last pick.
    std::size_t at =
        std::min<std::size_t>(static_cast<std::size_t>(b), trace.best_after_call.size() - 1);
    tally.fraction[b].push_back(pool.best_s() / trace.best_after_call[at]);
  }
}

std::string table(const std::map<Strategy, Tally>& tallies, const Options& o) {
  std::string out =
      "| strategy | calls to best: mean ± s.e. | median | evaluations to best: mean ± s.e. | "
      "median "
      "| reached | stopped early | "
      "repeats before the best |";
  std::string rule = "|---|---:|---:|---:|---:|---:|---:|---:|";
  for (int b : budgets_of(o.settings.calls)) {
    out += fmt::format(" at {} calls |", b);
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (Strategy s : k_strategies) {
    const Tally& t = tallies.at(s);
    out += fmt::format(
        "| {} | {:.1f} ± {:.1f} | {:.1f} | {:.1f} ± {:.1f} | {:.1f} | {}/{} | {} | {:.1f} |",
        name_of(s), mean(t.calls), error_of_mean(t.calls), median(t.calls), mean(t.evaluations),
        error_of_mean(t.evaluations), median(t.evaluations), t.reached, t.runs, t.stopped,
        mean(t.repeats));
    for (int b : budgets_of(o.settings.calls))
      out += fmt::format(" {:.2f} |", mean(t.fraction.at(b)));
    out += "\n";
  }
  return out;
}

// Every call of the runs by strategy and context mode: how often a hint led the model, how
// often it answered what the run had evaluated already, how often the pick improved.
std::string calls_table(const std::map<Strategy, Tally>& tallies) {
  std::string out =
      "| strategy | mode | calls | led by a hint | repeated answers | new best |\n"
      "|---|---|---:|---:|---:|---:|\n";
  for (Strategy s : k_strategies) {
    for (const auto& [mode, c] : tallies.at(s).by_mode) {
      auto share = [&](int n) { return fmt::format("{:.0f}%", 100.0 * n / std::max(1, c.calls)); };
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", name_of(s), mode, c.calls,
                         share(c.led), share(c.repeats), share(c.new_best));
    }
  }
  return out;
}

// The goal on these tallies, in words.
std::string goal(const std::map<Strategy, Tally>& tallies, const Options& o) {
  const Tally& tree = tallies.at(Strategy::tree);
  const Tally& keep = tallies.at(Strategy::keep_revert);
  const double ratio = mean(tree.calls) / mean(keep.calls);
  std::string below;
  for (int b : budgets_of(o.settings.calls)) {
    const double t = mean(tree.fraction.at(b)), k = mean(keep.fraction.at(b));
    if (t < k - 0.005)
      below += fmt::format("{}{} calls ({:.3f} < {:.3f})", below.empty() ? "" : ", ", b, t, k);
  }
  return fmt::format(
      "- tree's mean calls to the best / keep-revert's: {:.2f} (goal <= 0.5: {})\n"
      "- tree below keep-revert at: {} (goal: none)\n",
      ratio, ratio <= 0.5 ? "met" : "missed", below.empty() ? "none" : below);
}

std::string describe(const Pool& pool) {
  int ok = 0, failed = 0;
  for (const Kernel& v : pool.variants) (v.measured.time_s ? ok : failed)++;
  return fmt::format(
      "{} variants ({} ran, {} failed); the original {:.3g} ms at its defaults, {:.3g} ms at its "
      "best point; the pool's best {:.3g} ms ({:.1f}x); measured on {}",
      pool.variants.size(), ok, failed, *pool.original.measured.time_s * 1e3,
      pool.original_best_s() * 1e3, pool.best_s() * 1e3,
      *pool.original.measured.time_s / pool.best_s(), pool.measured_on);
}

// A pool's floor (floor_calls) beside the strategies' mean calls to its best: no strategy that
// sends the tree's prompts can average fewer calls than the floor, so floor / keep-revert's mean
// is the lowest ratio the tree could reach on the pool.
struct Floor {
  std::string kernel;
  int calls = -1;
  double tree = 0, keep_revert = 0;
};

Floor floor_row(const std::string& kernel, int calls, const std::map<Strategy, Tally>& tallies) {
  return {kernel, calls, mean(tallies.at(Strategy::tree).calls),
          mean(tallies.at(Strategy::keep_revert).calls)};
}

std::string floor_table(const std::vector<Floor>& floors,
                        const std::map<Strategy, Tally>& overall) {
  std::string out =
      "| kernel | floor: fewest calls | keep-revert: mean calls | lowest possible ratio | tree: "
      "mean calls | tree's ratio |\n|---|---:|---:|---:|---:|---:|\n";
  double sum = 0;
  for (const Floor& f : floors) {
    out +=
        fmt::format("| {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |\n", f.kernel,
                    f.calls < 0 ? fmt::format("> {}", k_floor_max_calls) : std::to_string(f.calls),
                    f.keep_revert, f.calls / f.keep_revert, f.tree, f.tree / f.keep_revert);
    sum += f.calls;
  }
  const double floor = sum / static_cast<double>(std::max<std::size_t>(1, floors.size()));
  const double keep = mean(overall.at(Strategy::keep_revert).calls);
  const double tree = mean(overall.at(Strategy::tree).calls);
  out += fmt::format("| overall | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |\n", floor, keep,
                     floor / keep, tree, tree / keep);
  return out;
}

int run_all(const Options& o) {
  std::vector<std::string> kernels = o.kernels;
  if (kernels.empty()) {
    for (const auto& entry : std::filesystem::directory_iterator(o.pools))
      if (entry.is_directory()) kernels.push_back(entry.path().filename().string());
    std::sort(kernels.begin(), kernels.end());
  }
  std::map<Strategy, Tally> overall;
  std::vector<Floor> floors;
  for (const std::string& kernel : kernels) {
    const Pool pool = read_pool(std::filesystem::path(o.pools) / kernel);
    std::map<Strategy, Tally> tallies;
    for (Strategy s : k_strategies) {
      for (int seed = 1; seed <= o.seeds; ++seed) {
        const Trace trace = run(pool, s, static_cast<std::uint64_t>(seed), o.settings);
        add(tallies[s], trace, pool, o);
        add(overall[s], trace, pool, o);
        if (o.trace) {
          std::string answers;
          for (std::size_t i = 0; i < trace.answers.size(); ++i) {
            const Trace::Call& call = trace.calls[i];
            answers += fmt::format(" {}{}{}", call.mode.empty() ? "" : call.mode + ":",
                                   trace.answers[i], call.led ? "" : "?");
          }
          if (trace.stopped_after >= 0) answers += " (stopped: a repeated prompt)";
          std::fprintf(stderr, "%s %s seed %d: best at call %d:%s\n", kernel.c_str(), name_of(s),
                       seed, trace.calls_to_best, answers.c_str());
        }
      }
    }
    std::printf("## %s\n\n%s.\n\n%s\n%s\n", kernel.c_str(), describe(pool).c_str(),
                table(tallies, o).c_str(), goal(tallies, o).c_str());
    if (o.floor)
      floors.push_back(
          floor_row(kernel, floor_calls(pool, o.settings, k_floor_max_calls), tallies));
  }
  std::printf("## Overall (%zu kernels x %d seeds)\n\n%s\n%s\n### The calls\n\n%s", kernels.size(),
              o.seeds, table(overall, o).c_str(), goal(overall, o).c_str(),
              calls_table(overall).c_str());
  if (o.floor) std::printf("\n### The floor\n\n%s", floor_table(floors, overall).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (!o.show_prompt.empty()) {
      std::fputs(first_prompt(read_pool(std::filesystem::path(o.pools) / o.show_prompt), o.settings)
                     .c_str(),
                 stdout);
      return 0;
    }
    return run_all(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent_bench: error: %s\n", e.what());
    return 1;
  }
}
