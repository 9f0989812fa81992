// `kevolve space "<spec>"`: what a space declares, so users can check it before tuning.

#include "backends/device.hpp"
#include "knowledge/wisdom.hpp"
#include "space/error.hpp"
#include "space/space.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/table.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <limits>

namespace kevolve::tool {

namespace {

struct SpaceOptions {
  std::string spec;
  bool count = false;
  bool list = false;
  std::uint64_t sample = 0;
  std::vector<std::string> facts;
  std::string device;
  std::uint64_t seed = 1;
  bool json = false;
};

std::string check_fact(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos) return "expected name=value, e.g. smem=49152";
  std::string name = text.substr(0, eq);
  if (!space::is_known_fact(name)) {
    std::string known;
    for (const auto& f : space::known_facts())
      known += (known.empty() ? "" : ", ") + std::string(f.name);
    return fmt::format("unknown hardware fact '{}' (known: {})", name, known);
  }
  if (!util::parse_int(text.substr(eq + 1))) {
    return fmt::format("the value of '{}' must be an integer", name);
  }
  return {};
}

space::Facts gather_facts(const SpaceOptions& o) {
  auto inventory = backends::detect_devices();
  auto device = backends::select_device(inventory, o.device);
  if (!device) throw Error(device.error());
  space::Facts facts = (*device)->facts;
  for (const std::string& f : o.facts) {
    auto eq = f.find('=');
    facts.values[f.substr(0, eq)] = *util::parse_int(f.substr(eq + 1));
  }
  if (!o.facts.empty()) facts.device += " with --fact";
  return facts;
}

std::string values_summary(const space::Parameter& p) {
  constexpr std::size_t k_shown = 12;
  std::string out;
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (p.values.size() > k_shown && i == k_shown - 2) {
      out += " ...";
      i = p.values.size() - 1;
    }
    out += (out.empty() ? "" : " ") + p.values[i].to_string();
  }
  return out;
}

util::Json point_json(const space::Space& s, const space::Point& point) {
  util::Json out = util::Json::object();
  for (std::size_t p = 0; p < point.size(); ++p)
    out[s.parameters()[p].name] = knowledge::value_json(s.value(point, p));
  return out;
}

void print_points(const space::Space& s, const std::vector<space::Point>& points) {
  Table table;
  std::vector<std::string> header;
  for (const auto& p : s.parameters()) header.push_back(p.name);
  table.add(std::move(header));
  for (const auto& point : points) {
    std::vector<std::string> row;
    for (std::size_t p = 0; p < point.size(); ++p) row.push_back(s.value(point, p).to_string());
    table.add(std::move(row));
  }
  table.print(stdout);
}

void print_summary(const space::Space& s) {
  const auto& spec = s.spec();
  Table table;
  for (const auto& p : s.parameters()) {
    table.add({p.name, values_summary(p),
               fmt::format("({} value{})", p.values.size(), p.values.size() == 1 ? "" : "s")});
  }
  for (const auto& c : spec.constraints)
    table.add({"require", std::string(spec.constraint_text(c))});
  if (spec.inject == space::InjectMode::macros) table.add({"inject", "macros"});
  for (const auto& [name, value] : s.used_facts())
    table.add({"fact", fmt::format("{} = {}", name, value)});
  table.add({"raw", std::to_string(s.raw_size())});
  double percent = 100.0 * static_cast<double>(s.size()) / static_cast<double>(s.raw_size());
  table.add({"valid", fmt::format("{} ({:.3g}% of raw)", s.size(), percent)});
  table.print(stdout);
}

int run_space(const SpaceOptions& o) {
  space::Facts facts = gather_facts(o);
  auto built = space::make_space(o.spec, facts);
  if (!built) throw Error(space::format_error(built.error(), o.spec, "space"));
  const space::Space& s = *built;

  std::vector<space::Point> points;
  if (o.list) {
    points.reserve(s.size());
    for (std::uint64_t i = 0; i < s.size(); ++i) points.push_back(s.at(i));
  } else if (o.sample > 0) {
    util::Rng rng(o.seed);
    if (o.sample > s.size()) {
      fmt::print(stderr,
                 "kevolve: note: --sample {} is more than the {} valid points; all are listed\n",
                 o.sample, s.size());
    }
    points = s.sample_distinct(o.sample, rng);
  }

  if (o.json) {
    util::Json out = util::Json::object();
    out["schema"] = 1;
    out["space"] = o.spec;
    out["raw"] = s.raw_size();
    out["valid"] = s.size();
    out["inject"] = s.spec().inject == space::InjectMode::macros ? "macros" : "param";
    util::Json params = util::Json::array();
    for (const auto& p : s.parameters()) {
      util::Json values = util::Json::array();
      for (const auto& v : p.values) values.push_back(knowledge::value_json(v));
      params.push_back(util::Json{{"name", p.name}, {"values", std::move(values)}});
    }
    out["params"] = std::move(params);
    util::Json constraints = util::Json::array();
    for (const auto& c : s.spec().constraints) constraints.push_back(s.spec().constraint_text(c));
    out["constraints"] = std::move(constraints);
    util::Json groups = util::Json::array();
    for (const auto& g : s.groups()) {
      util::Json names = util::Json::array();
      for (std::size_t p : g) names.push_back(s.parameters()[p].name);
      groups.push_back(std::move(names));
    }
    out["groups"] = std::move(groups);
    util::Json used = util::Json::object();
    for (const auto& [name, value] : s.used_facts()) used[name] = value;
    out["facts"] = std::move(used);
    if (o.list || o.sample > 0) {
      util::Json list = util::Json::array();
      for (const auto& point : points) list.push_back(point_json(s, point));
      out["points"] = std::move(list);
    }
    fmt::print("{}", util::dump_json(out));
  } else if (o.count) {
    fmt::print("{}\n", s.size());
  } else if (o.list || o.sample > 0) {
    print_points(s, points);
  } else {
    print_summary(s);
  }
  return 0;
}

}  // namespace

void add_space_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SpaceOptions>();
  CLI::App* cmd = app.add_subcommand("space",
                                     "Show what a space declares: its parameters, "
                                     "constraints, raw and valid sizes, its points");
  cmd->add_option("spec", o->spec, "The space, as written in KEVOLVE_TUNE (quote it)")->required();
  auto* count = cmd->add_flag("--count", o->count, "Print only the number of valid points");
  auto* list = cmd->add_flag("--list", o->list, "Print every valid point");
  auto* sample =
      cmd->add_option("--sample", o->sample, "Print N different valid points chosen uniformly")
          ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
  count->excludes(list)->excludes(sample);
  list->excludes(sample);
  cmd->add_option("--fact", o->facts, "Set a hardware fact, e.g. --fact smem=49152 (repeatable)")
      ->check([](const std::string& text) { return check_fact(text); });
  cmd->add_option("--device", o->device,
                  "Take hardware facts from this device id or backend (default: the first GPU, "
                  "else the CPU)");
  cmd->add_option("--seed", o->seed, "Seed for --sample (default 1)");
  cmd->add_flag("--json", o->json, "Print JSON (with --list or --sample: the points too)");
  cmd->callback([o, &action] { action = [o] { return run_space(*o); }; });
}

}  // namespace kevolve::tool
