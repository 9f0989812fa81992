// `kevolve accept <unit>`: a person has checked a winner that waits for review (faster than
// the speed of light, or more than 10x faster than the defaults: tool/tune/review.hpp) and lets
// builds use it. Who (USER) and when are recorded in the wisdom.

#include "knowledge/store.hpp"
#include "tool/cli/commands.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/review.hpp"
#include "tool/tune/target_config.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct AcceptOptions {
  std::string unit;
  std::string build;
  std::string knowledge;
  std::string device;
  std::vector<std::string> sizes;  // name=value
};

using WantedSizes = std::vector<std::pair<std::string, std::int64_t>>;

WantedSizes parse_sizes(const std::vector<std::string>& sizes) {
  WantedSizes out;
  for (const std::string& s : sizes) {
    auto eq = s.find('=');
    auto value = eq == std::string::npos ? std::nullopt : util::parse_int(s.substr(eq + 1));
    if (eq == 0 || !value)
      throw Error(fmt::format("--size {}: expected name=value, e.g. --size n=4096", s));
    out.emplace_back(s.substr(0, eq), *value);
  }
  return out;
}

// Whether `record` is of the problem `wanted` names (every size it names, with its value).
bool matches(const knowledge::SizeRecord& record, const WantedSizes& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const auto& size) {
    return std::find(record.problem.begin(), record.problem.end(), size) != record.problem.end();
  });
}

std::string problem_text(const WantedSizes& problem) {
  std::string out;
  for (const auto& [name, value] : problem)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  return out;
}

std::string ids_text(const std::vector<knowledge::DeviceId>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id.str();
  return out;
}

// The devices whose wisdom to look at: the one --device names, else all of the unit's.
std::vector<knowledge::DeviceId> devices_to_search(const AcceptOptions& o,
                                                   const knowledge::KnowledgeDir& knowledge,
                                                   const fs::path& dir) {
  std::vector<knowledge::DeviceId> all = knowledge.devices(o.unit);
  if (all.empty()) throw Error(fmt::format("{}: no wisdom for unit '{}'", dir.string(), o.unit));
  if (o.device.empty()) return all;
  auto id = knowledge::DeviceId::parse(o.device);
  if (!id) throw Error(fmt::format("--device {}: {}", o.device, id.error()));
  if (std::find(all.begin(), all.end(), *id) == all.end()) {
    throw Error(fmt::format("{}: no wisdom for unit '{}' on {} (it has wisdom for: {})",
                            dir.string(), o.unit, id->str(), ids_text(all)));
  }
  return {*id};
}

struct Waiting {
  knowledge::Wisdom wisdom;
  std::size_t record = 0;
};

// The one record of the unit that waits for review among the devices and sizes asked for.
Waiting find_waiting(const AcceptOptions& o, const knowledge::KnowledgeDir& knowledge,
                     const fs::path& dir, const WantedSizes& wanted) {
  std::vector<Waiting> waiting;
  std::string accepted;  // a matching record accepted already, for the error
  for (const knowledge::DeviceId& id : devices_to_search(o, knowledge, dir)) {
    auto wisdom = knowledge.read(o.unit, id);
    if (!wisdom) throw Error(wisdom.error());
    if (!*wisdom) continue;
    for (std::size_t i = 0; i < (*wisdom)->records.size(); ++i) {
      const knowledge::SizeRecord& r = (*wisdom)->records[i];
      if (!matches(r, wanted)) continue;
      if (r.pending_review()) {
        waiting.push_back({**wisdom, i});
      } else if (r.review) {
        accepted = fmt::format(" (its winner on {} was accepted by {} on {})", id.str(),
                               r.review->accepted_by, r.review->accepted_at);
      }
    }
  }
  std::string where = o.device.empty() ? "" : " on " + o.device;
  if (!wanted.empty()) where += " for " + problem_text(wanted);
  if (waiting.empty()) {
    throw Error(
        fmt::format("unit '{}' has no winner waiting for review{}{}", o.unit, where, accepted));
  }
  if (waiting.size() > 1) {
    std::string list;
    for (const Waiting& w : waiting) {
      list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", w.wisdom.device_id,
                          problem_text(w.wisdom.records[w.record].problem));
    }
    throw Error(fmt::format(
        "unit '{}' has {} winners waiting for review{}: {}; name one with --device and --size",
        o.unit, waiting.size(), where, list));
  }
  return std::move(waiting.front());
}

int run_accept(const AcceptOptions& o) {
  if (!knowledge::is_unit_name(o.unit))
    throw Error(fmt::format("'{}' is not a unit name (a C identifier)", o.unit));
  WantedSizes wanted = parse_sizes(o.sizes);
  auto dir = tune::knowledge_dir_for(o.build, o.knowledge);
  if (!dir) throw Error(dir.error());
  auto knowledge = knowledge::KnowledgeDir::open(*dir);
  if (!knowledge) throw Error(knowledge.error());
  auto lock = knowledge->lock(fmt::format("kevolve accept {}", o.unit));
  if (!lock) throw Error(lock.error());

  Waiting w = find_waiting(o, *knowledge, *dir, wanted);
  knowledge::SizeRecord& record = w.wisdom.records[w.record];
  std::string who = util::environment("USER").value_or("unknown");
  if (auto accepted = tune::accept_review(record, who, util::now_utc()); !accepted)
    throw Error(accepted.error());
  if (auto written = knowledge->write(w.wisdom); !written) throw Error(written.error());
  fmt::print("accepted {} on {} ({}): {} at {:.2f}x, by {}; builds use it from now on\n", o.unit,
             w.wisdom.device_id, problem_text(record.problem), tune::params_text_of(record.best),
             record.speedup, who);
  return 0;
}

}  // namespace

void add_accept_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<AcceptOptions>();
  CLI::App* cmd = app.add_subcommand(
      "accept", "Let builds use a unit's winner that waits for review, after checking it");
  cmd->add_option("unit", o->unit, "The unit")->required();
  cmd->add_option("-B,--build", o->build,
                  "A build directory: use its targets' knowledge directory");
  cmd->add_option("--knowledge", o->knowledge, "The knowledge directory (default: .kevolve)");
  cmd->add_option("--device", o->device,
                  "The device id whose winner to accept (needed when several wait)");
  cmd->add_option("--size", o->sizes,
                  "name=value: the problem size whose winner to accept (repeatable; needed when "
                  "several wait)");
  cmd->callback([o, &action] { action = [o] { return run_accept(*o); }; });
}

}  // namespace kevolve::tool
