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

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
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

// A sample, in memory anyway: columns as wide as its own values.
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

// Writes points to stdout as they come, so that a space of billions of points lists in constant
// memory. A reader that stops early (`| head`) ends the listing quietly; any other write error
// is an error.
class PointWriter {
 public:
  // The next point, or false when there are no more.
  using Source = std::function<bool(space::Point&)>;

  PointWriter() {
    // EPIPE is then an error to handle, not a signal that kills kevolve mid-line.
    std::signal(SIGPIPE, SIG_IGN);
  }

  // One aligned row per point under a header of parameter names, like Table: columns as wide
  // as their widest value among the valid points.
  void table(const space::Space& s, const Source& next) {
    const std::size_t n = s.parameters().size();
    // Each value's cell, padded, is rendered once: rows are then concatenations.
    std::string header;
    std::vector<std::vector<std::string>> cells(n);
    for (std::size_t p = 0; p < n; ++p) {
      const space::Parameter& param = s.parameters()[p];
      std::size_t width = param.name.size();
      std::vector<bool> used = s.values_in_use(p);
      for (const space::Value& v : param.values) cells[p].push_back(v.to_string());
      for (std::size_t v = 0; v < cells[p].size(); ++v) {
        if (used[v]) width = std::max(width, cells[p][v].size());
      }
      const bool last = p + 1 == n;
      header += last ? param.name : fmt::format("{:<{}}  ", param.name, width);
      if (!last) {
        for (std::string& cell : cells[p]) cell = fmt::format("{:<{}}  ", cell, width);
      }
    }
    if (!write(header + '\n')) return;
    space::Point point;
    std::string line;
    while (next(point)) {
      line.clear();
      for (std::size_t p = 0; p < n; ++p) line += cells[p][point[p]];
      line += '\n';
      if (!write(line)) return;
    }
    flush();
  }

  // `document` as util::dump_json prints it, with "points" appended as its last member.
  void json(const space::Space& s, const util::Json& document, const Source& next) {
    std::string head = util::dump_json(document);
    head.resize(head.size() - 3);  // "\n}\n"
    if (!write(head + ",\n  \"points\": [")) return;
    space::Point point;
    bool first = true;
    while (next(point)) {
      std::string item =
          point_json(s, point).dump(2, ' ', false, util::Json::error_handler_t::strict);
      std::string indented = first ? "\n    " : ",\n    ";
      for (char c : item) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
      first = false;
      if (!write(indented)) return;
    }
    if (!write(first ? "]\n}\n" : "\n  ]\n}\n")) return;
    flush();
  }

 private:
  // False once the reader has gone.
  bool write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) return failed();
    if (++m_writes % k_flush_every == 0 && std::fflush(stdout) != 0) return failed();
    return true;
  }

  void flush() {
    if (std::fflush(stdout) != 0) failed();
  }

  bool failed() {
    if (errno == EPIPE) return false;
    throw Error(fmt::format("cannot write the points: {}", std::strerror(errno)));
  }

  static constexpr std::uint64_t k_flush_every = 1024;
  std::uint64_t m_writes = 0;
};

// Every valid point in index order, or the given ones.
PointWriter::Source all_points(const space::Space& s) {
  return [&s, i = std::uint64_t{0}](space::Point& point) mutable {
    if (i == s.size()) return false;
    point = s.at(i++);
    return true;
  };
}

PointWriter::Source listed_points(const std::vector<space::Point>& points) {
  return [&points, i = std::size_t{0}](space::Point& point) mutable {
    if (i == points.size()) return false;
    point = points[i++];
    return true;
  };
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
  if (o.sample > 0) {
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
    if (o.list) {
      PointWriter().json(s, out, all_points(s));
    } else if (o.sample > 0) {
      PointWriter().json(s, out, listed_points(points));
    } else {
      fmt::print("{}", util::dump_json(out));
    }
  } else if (o.count) {
    fmt::print("{}\n", s.size());
  } else if (o.list) {
    PointWriter().table(s, all_points(s));
  } else if (o.sample > 0) {
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
