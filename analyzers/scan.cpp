#include "analyzers/scan.hpp"

#include "space/any_device.hpp"
#include "space/error.hpp"
#include "space/parser.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace kevolve::analyzers {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_tune = "kevolve:tune:";
constexpr std::string_view k_bench = "kevolve:bench:";

std::string where(const Position& p) { return fmt::format("{}:{}:{}", p.file, p.line, p.column); }

std::string collapse_spaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : util::trim(text)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// A default as written ("256", "256u", "-1", "0x40", "float") as a value, if it is a literal.
std::optional<space::Value> literal_value(const std::string& text) {
  std::string t = text;
  if (!t.empty() && (std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '-')) {
    while (!t.empty() && std::string_view("uUlL").find(t.back()) != std::string_view::npos)
      t.pop_back();
    bool negative = !t.empty() && t[0] == '-';
    std::string digits = negative ? std::string(util::trim(std::string_view(t).substr(1))) : t;
    int base =
        digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') ? 16 : 10;
    std::int64_t value = 0;
    const char* begin = digits.data() + (base == 16 ? 2 : 0);
    auto [end, ec] = std::from_chars(begin, digits.data() + digits.size(), value, base);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return space::Value(negative ? -value : value);
  }
  bool identifier = !t.empty() && (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_') &&
                    std::all_of(t.begin(), t.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
                    });
  if (identifier) return space::Value(t);
  return std::nullopt;
}

std::string values_text(const std::vector<space::Value>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size() && i < 8; ++i)
    out += (i ? ", " : "") + values[i].to_string();
  if (values.size() > 8) out += fmt::format(", ... ({} values)", values.size());
  return out;
}

class Assembler {
 public:
  Assembler(TargetScan& out, const std::vector<FileFindings>& findings)
      : m_out(out), m_findings(findings) {}

  void run() {
    for (const FileFindings& f : m_findings) {
      if (!f.errors.empty()) parse_failure(f);
    }
    collect();
    for (auto& [name, sites] : m_tune) make_unit(name, sites);
    check_uses();
    std::sort(m_out.problems.begin(), m_out.problems.end(), [](const Problem& a, const Problem& b) {
      return a.where < b.where || (a.where == b.where && a.message < b.message);
    });
  }

 private:
  void error(const Position& p, std::string message) {
    m_out.problems.push_back({Problem::Severity::error, p, std::move(message)});
  }
  void warning(const Position& p, std::string message) {
    m_out.problems.push_back({Problem::Severity::warning, p, std::move(message)});
  }

  void parse_failure(const FileFindings& f) {
    std::string message =
        f.parsed ? "libclang reports errors in this file (what it found was still scanned):"
                 : "libclang cannot parse this file:";
    for (const Diagnostic& e : f.errors) {
      message += e.where.line > 0 ? fmt::format("\n    {}: {}", where(e.where), e.message)
                                  : fmt::format("\n    {}", e.message);
    }
    Position at =
        f.errors.front().where.line > 0 ? f.errors.front().where : Position{f.file, 0, 0, 0};
    error(at, std::move(message));
  }

  // Deduplicates what several sources saw through a shared header.
  void collect() {
    std::set<Position> seen_functions;
    std::set<Position> seen_uses;
    std::set<Position> seen_sites;
    for (const FileFindings& f : m_findings) {
      for (const AnnotatedFunction& fn : f.functions) {
        if (!seen_functions.insert(fn.name).second) continue;
        if (fn.annotation.rfind(k_tune, 0) == 0) {
          std::string rest = fn.annotation.substr(k_tune.size());
          auto colon = rest.find(':');
          m_tune[rest.substr(0, colon)].push_back(&fn);
        } else if (fn.annotation.rfind(k_bench, 0) == 0) {
          m_bench[fn.annotation.substr(k_bench.size())].push_back(&fn);
        }
      }
      for (const TuneMarker& m : f.markers) m_markers.emplace(m.where, &m);
      for (const ParamUse& u : f.uses) {
        if (seen_uses.insert(u.where).second) m_uses.push_back(&u);
      }
      for (const MacroSite& d : f.definitions) {
        if (seen_sites.insert(d.where).second) m_definitions[d.name].push_back(&d);
      }
      for (const MacroSite& e : f.expansions) {
        if (seen_sites.insert(e.where).second) m_expansions[e.name].push_back(&e);
      }
    }
  }

  // The source position of character `offset` of a marker's space string.
  Position space_position(const Position& marker, std::size_t offset) {
    auto it = m_markers.find(marker);
    if (it == m_markers.end()) return marker;
    std::size_t remaining = offset;
    for (const LiteralPiece& piece : it->second->literals) {
      if (remaining < piece.char_offsets.size()) {
        return position_in_file(marker.file, piece.char_offsets[remaining]);
      }
      remaining -= piece.char_offsets.size();
    }
    // At the end of the string: just after its last character.
    const auto& literals = it->second->literals;
    if (!literals.empty() && !literals.back().char_offsets.empty()) {
      return position_in_file(marker.file, literals.back().char_offsets.back() + 1);
    }
    return marker;
  }

  Position position_in_file(const std::string& file, std::size_t offset) {
    auto text = file_text(file);
    auto pos = util::position_of(text, offset);
    return Position{file, static_cast<unsigned>(pos.line), static_cast<unsigned>(pos.column),
                    offset};
  }

  std::string_view file_text(const std::string& file) {
    auto it = m_texts.find(file);
    if (it == m_texts.end())
      it = m_texts.emplace(file, util::read_file(file).value_or(std::string())).first;
    return it->second;
  }

  void make_unit(const std::string& name, const std::vector<const AnnotatedFunction*>& sites) {
    const AnnotatedFunction& fn = *sites.front();
    for (std::size_t i = 1; i < sites.size(); ++i) {
      error(sites[i]->marker, fmt::format("unit '{}' is declared twice: here and at {} (unit names "
                                          "must be unique in a target)",
                                          name, where(fn.marker)));
    }
    Unit unit;
    unit.name = name;
    unit.marker = fn.marker;
    unit.kernel = fn;
    std::string rest = fn.annotation.substr(k_tune.size());
    unit.space = rest.substr(rest.find(':') + 1);
    if (!fn.has_body) {
      error(fn.marker,
            fmt::format("the kernel of unit '{}' ({}) has no body here; put KEVOLVE_TUNE "
                        "on the function's definition",
                        name, fn.function));
      return;
    }
    auto space_error = [&](const space::SpaceError& e) {
      std::string message = fmt::format("in the space of unit '{}': {}", name, e.message);
      if (!e.note.empty()) message += fmt::format(" ({})", e.note);
      error(space_position(fn.marker, e.offset), std::move(message));
    };
    auto spec = space::parse_space(unit.space);
    if (!spec) {
      space_error(spec.error());
      return;
    }
    // Without a device, what holds on every device: a space empty there is empty everywhere.
    if (auto built = space::build_for_any_device(*spec); !built) {
      space_error(built.error());
      return;
    }
    unit.inject = spec->inject;
    for (const space::Parameter& p : spec->parameters)
      unit.params.push_back({p.name, p.values, {}, {}, {}});
    if (unit.inject == space::InjectMode::macros) {
      macro_params(unit);
    } else {
      kevolve_params(unit);
    }
    harness(unit);
    std::string_view text = file_text(fn.name.file);
    std::string_view kernel =
        fn.end <= text.size() ? text.substr(fn.begin, fn.end - fn.begin) : std::string_view();
    unit.kernel_hash = util::Hasher().add(kernel).add(unit.space).digest();
    util::Hasher hash;
    hash.add(kernel).add(unit.space);
    hash.add(unit.harness ? file_text(unit.harness->file) : std::string_view());
    unit.hash = hash.digest();
    m_units.insert(name);
    m_out.units.push_back(std::move(unit));
  }

  // Checks and records the default of `param` from texts written at `sites`.
  void settle_default(const Unit& unit, Param& param,
                      const std::vector<std::pair<std::string, Position>>& sites) {
    for (const auto& [text, pos] : sites) {
      param.uses.push_back(pos);
      std::string normal = collapse_spaces(text);
      if (param.default_text.empty()) {
        param.default_text = normal;
        m_first_default[&param] = pos;
      } else if (normal != param.default_text) {
        error(pos, fmt::format("parameter '{}' of unit '{}' has default {} here but {} at {}; all "
                               "uses must give the same default",
                               param.name, unit.name, normal, param.default_text,
                               where(m_first_default[&param])));
      }
    }
    std::sort(param.uses.begin(), param.uses.end());
    if (param.default_text.empty()) return;
    param.default_value = literal_value(param.default_text);
    const Position& first = m_first_default[&param];
    if (!param.default_value) {
      warning(first,
              fmt::format("the default '{}' of parameter '{}' is not a literal; kevolve cannot "
                          "check it against the declared values",
                          param.default_text, param.name));
    } else if (std::find(param.values.begin(), param.values.end(), *param.default_value) ==
               param.values.end()) {
      warning(first,
              fmt::format("the default {} of parameter '{}' of unit '{}' is not among its "
                          "values ({})",
                          param.default_text, param.name, unit.name, values_text(param.values)));
    }
  }

  void kevolve_params(Unit& unit) {
    for (Param& param : unit.params) {
      std::vector<std::pair<std::string, Position>> sites;
      for (const ParamUse* u : m_uses) {
        if (u->unit == unit.name && u->name == param.name)
          sites.emplace_back(u->default_text, u->where);
      }
      std::sort(sites.begin(), sites.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      settle_default(unit, param, sites);
      if (sites.empty()) {
        warning(unit.marker, fmt::format("parameter '{}' of unit '{}' is never read: no "
                                         "KEVOLVE_PARAM({}, {}, ...) in the target",
                                         param.name, unit.name, unit.name, param.name));
      }
    }
  }

  void macro_params(Unit& unit) {
    for (Param& param : unit.params) {
      std::vector<std::pair<std::string, Position>> sites;
      for (const MacroSite* d : m_definitions[param.name]) sites.emplace_back(d->body, d->where);
      std::sort(sites.begin(), sites.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      settle_default(unit, param, sites);
      param.uses.clear();  // for macros, the uses are where the kernel reads them
      for (const MacroSite* e : m_expansions[param.name]) param.uses.push_back(e->where);
      std::sort(param.uses.begin(), param.uses.end());
      if (param.uses.empty()) {
        warning(unit.marker, fmt::format("parameter '{}' of unit '{}' (inject: macros) is never "
                                         "expanded as a macro in the target",
                                         param.name, unit.name));
      }
    }
  }

  void harness(Unit& unit) {
    auto it = m_bench.find(unit.name);
    if (it == m_bench.end() || it->second.empty()) {
      warning(unit.marker,
              fmt::format("unit '{}' has no harness: add KEVOLVE_BENCH({}, b) to a file "
                          "given to kevolve_tune(... HARNESS ...) or --harness; "
                          "kevolve tune needs one",
                          unit.name, unit.name));
      return;
    }
    unit.harness = it->second.front()->name;
    for (std::size_t i = 1; i < it->second.size(); ++i) {
      error(it->second[i]->marker,
            fmt::format("unit '{}' has a second harness here; the first is at {}", unit.name,
                        where(it->second.front()->marker)));
    }
  }

  void check_uses() {
    std::set<std::string> warned;
    for (const ParamUse* u : m_uses) {
      auto unit = std::find_if(m_out.units.begin(), m_out.units.end(),
                               [&](const Unit& x) { return x.name == u->unit; });
      if (unit == m_out.units.end()) {
        if (m_tune.count(u->unit)) continue;  // a unit with errors of its own
        if (warned.insert(u->unit).second) {
          warning(u->where, fmt::format("KEVOLVE_PARAM names unit '{}', which no KEVOLVE_TUNE in "
                                        "this target declares",
                                        u->unit));
        }
        continue;
      }
      bool declared = std::any_of(unit->params.begin(), unit->params.end(),
                                  [&](const Param& p) { return p.name == u->name; });
      if (!declared) {
        std::string names;
        for (const Param& p : unit->params) names += (names.empty() ? "" : ", ") + p.name;
        error(u->where,
              fmt::format("KEVOLVE_PARAM({}, {}, ...): unit '{}' declares no parameter '{}' "
                          "(its parameters: {})",
                          u->unit, u->name, u->unit, u->name, names.empty() ? "none" : names));
      }
    }
    for (const auto& [name, benches] : m_bench) {
      if (!m_tune.count(name)) {
        warning(benches.front()->marker,
                fmt::format("harness for unit '{}', which no KEVOLVE_TUNE in "
                            "this target declares",
                            name));
      }
    }
  }

  TargetScan& m_out;
  const std::vector<FileFindings>& m_findings;
  std::map<std::string, std::vector<const AnnotatedFunction*>> m_tune;
  std::map<std::string, std::vector<const AnnotatedFunction*>> m_bench;
  std::map<Position, const TuneMarker*> m_markers;
  std::vector<const ParamUse*> m_uses;
  std::map<std::string, std::vector<const MacroSite*>> m_definitions;
  std::map<std::string, std::vector<const MacroSite*>> m_expansions;
  std::map<const Param*, Position> m_first_default;
  std::map<std::string, std::string> m_texts;
  std::set<std::string> m_units;
};

}  // namespace

int TargetScan::errors() const {
  return static_cast<int>(std::count_if(problems.begin(), problems.end(), [](const Problem& p) {
    return p.severity == Problem::Severity::error;
  }));
}

int TargetScan::warnings() const { return static_cast<int>(problems.size()) - errors(); }

const Unit* TargetScan::find(std::string_view unit) const {
  for (const Unit& u : units) {
    if (u.name == unit) return &u;
  }
  return nullptr;
}

namespace {

bool reaches(const FileFindings& f, const Unit& unit) {
  const std::string& kernel = unit.kernel.name.file;
  if (f.file == kernel || std::find(f.inputs.begin(), f.inputs.end(), kernel) != f.inputs.end())
    return true;
  for (const ParamUse& use : f.uses) {
    if (use.unit == unit.name) return true;
  }
  if (unit.inject != space::InjectMode::macros) return false;
  for (const MacroSite& e : f.expansions) {
    for (const Param& p : unit.params) {
      if (e.name == p.name) return true;
    }
  }
  return false;
}

std::vector<SourceUnits> reach_of(const std::vector<FileFindings>& findings,
                                  const std::vector<Unit>& units) {
  std::vector<SourceUnits> out;
  for (const FileFindings& f : findings) {
    SourceUnits s{f.file, {}};
    for (const Unit& u : units) {
      if (reaches(f, u)) s.units.push_back(u.name);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

TargetScan assemble(const std::string& target, const std::vector<FileFindings>& findings) {
  TargetScan out;
  out.target = target;
  out.files = static_cast<int>(findings.size());
  std::set<std::string> inputs;
  for (const FileFindings& f : findings) inputs.insert(f.inputs.begin(), f.inputs.end());
  out.inputs.assign(inputs.begin(), inputs.end());
  Assembler(out, findings).run();
  std::sort(out.units.begin(), out.units.end(),
            [](const Unit& a, const Unit& b) { return a.name < b.name; });
  out.reach = reach_of(findings, out.units);
  return out;
}

std::vector<SourceJob> scan_jobs(const ScanRequest& request) {
  std::vector<SourceJob> jobs = request.sources;
  std::set<fs::path> listed;
  for (const SourceJob& j : jobs) listed.insert(j.file);
  for (const SourceJob& h : request.harnesses) {
    if (listed.insert(h.file).second) jobs.push_back(h);
  }
  return jobs;
}

TargetScan scan_target(const ScanRequest& request, const ParseOptions& options) {
  std::vector<SourceJob> jobs = scan_jobs(request);
  ParseStats stats;
  std::vector<FileFindings> findings = parse_sources(jobs, options, &stats);
  TargetScan out = assemble(request.target, findings);
  out.stats = stats;
  return out;
}

util::Expected<std::vector<ScanRequest>> plan_scan(const BuildInfo& build,
                                                   const ScanEnvironment& env,
                                                   std::string_view only,
                                                   const std::vector<fs::path>& harnesses) {
  std::vector<ScanRequest> requests;
  if (!only.empty() && !build.find_target(only)) {
    std::string names;
    for (const Target& t : build.targets) names += (names.empty() ? "" : ", ") + t.name;
    return util::unexpected(fmt::format("no target '{}' in {} (targets: {})", only,
                                        build.build_dir.string(), names.empty() ? "none" : names));
  }
  for (const Target& target : build.targets) {
    if (!only.empty() && target.name != only) continue;
    ScanRequest request;
    request.target = target.name;
    request.source_dir = build.source_dir;
    std::map<std::pair<int, Language>, std::vector<std::string>> args_of;
    auto args_for = [&](int group_index,
                        Language language) -> util::Expected<std::vector<std::string>> {
      auto key = std::make_pair(group_index, language);
      if (auto it = args_of.find(key); it != args_of.end()) return it->second;
      CompileGroup empty;
      const CompileGroup& group =
          group_index >= 0 ? target.groups[static_cast<std::size_t>(group_index)] : empty;
      auto args = clang_args(group, language, env);
      if (!args) return util::unexpected(fmt::format("target {}: {}", target.name, args.error()));
      return args_of[key] = std::move(*args);
    };
    for (const Source& s : target.sources) {
      auto language = language_named(s.language);
      if (!language) continue;
      auto args = args_for(s.group, *language);
      if (!args) return util::unexpected(args.error());
      request.sources.push_back({s.path, *language, std::move(*args)});
    }
    if (request.sources.empty() && only.empty()) continue;
    for (const fs::path& h : harnesses) {
      auto language = language_of_file(h).value_or(Language::cxx);
      // A harness is compiled like the target's sources of its language.
      int group = -1;
      for (std::size_t g = 0; g < target.groups.size(); ++g) {
        if (language_named(target.groups[g].language) == language) {
          group = static_cast<int>(g);
          break;
        }
      }
      if (group < 0 && !target.groups.empty()) group = 0;
      auto args = args_for(group, language);
      if (!args) return util::unexpected(args.error());
      std::error_code ec;
      request.harnesses.push_back(
          {fs::absolute(h, ec).lexically_normal(), language, std::move(*args)});
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

}  // namespace kevolve::analyzers
