// `kevolve knowledge verify [DIR]`: checks a knowledge directory the way kevolve reads it.
// `kevolve knowledge gc [DIR]`: removes the code variants no wisdom refers to.

#include "knowledge/store.hpp"
#include "knowledge/verify.hpp"
#include "tool/cli/commands.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

#include <fmt/format.h>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct VerifyOptions {
  std::string directory = ".kevolve";
  bool json = false;
};

std::string_view severity_name(knowledge::Problem::Severity s) {
  return s == knowledge::Problem::Severity::error ? "error" : "warning";
}

int run_verify(const VerifyOptions& o) {
  knowledge::VerifyReport report = knowledge::verify(o.directory);
  if (o.json) {
    util::Json problems = util::Json::array();
    for (const auto& p : report.problems) {
      util::Json entry{{"file", p.file.string()},
                       {"severity", severity_name(p.severity)},
                       {"message", p.message}};
      if (p.line > 0) entry["line"] = p.line;
      problems.push_back(std::move(entry));
    }
    util::Json out{{"schema", 1},
                   {"directory", o.directory},
                   {"files_checked", report.files_checked},
                   {"errors", report.errors()},
                   {"warnings", report.warnings()},
                   {"problems", std::move(problems)}};
    fmt::print("{}", util::dump_json(out));
  } else {
    for (const auto& p : report.problems) {
      std::string where =
          p.line > 0 ? fmt::format("{}:{}", p.file.string(), p.line) : p.file.string();
      fmt::print("{}: {}: {}\n", where, severity_name(p.severity), p.message);
    }
    fmt::print("{}: {} file{} checked, {} error{}, {} warning{}\n", o.directory,
               report.files_checked, report.files_checked == 1 ? "" : "s", report.errors(),
               report.errors() == 1 ? "" : "s", report.warnings(),
               report.warnings() == 1 ? "" : "s");
  }
  return report.errors() > 0 ? 1 : 0;
}

struct GcOptions {
  std::string directory = ".kevolve";
};

int run_gc(const GcOptions& o) {
  auto knowledge = knowledge::KnowledgeDir::open(o.directory);
  if (!knowledge) throw Error(knowledge.error());
  auto lock = knowledge->lock("kevolve knowledge gc");
  if (!lock) throw Error(lock.error());
  auto removed = knowledge->remove_unreferenced_variants();
  if (!removed) throw Error(removed.error());
  for (const fs::path& file : *removed) fmt::print("removed {}\n", file.string());
  fmt::print(stderr, "kevolve: {} code variant{} that no wisdom refers to removed\n",
             removed->size(), removed->size() == 1 ? "" : "s");
  return 0;
}

}  // namespace

void add_knowledge_command(CLI::App& app, Action& action) {
  CLI::App* cmd = app.add_subcommand("knowledge", "Maintain a knowledge directory");
  cmd->require_subcommand(1);
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check every file of a knowledge directory and report each problem");
  verify->add_option("directory", o->directory, "The knowledge directory (default: .kevolve)");
  verify->add_flag("--json", o->json, "Print JSON");
  verify->callback([o, &action] { action = [o] { return run_verify(*o); }; });
  auto g = std::make_shared<GcOptions>();
  CLI::App* gc = cmd->add_subcommand(
      "gc", "Remove the committed code variants that no wisdom refers to (after adopt)");
  gc->add_option("directory", g->directory, "The knowledge directory (default: .kevolve)");
  gc->callback([g, &action] { action = [g] { return run_gc(*g); }; });
}

}  // namespace kevolve::tool
