// `kevolve report [--html FILE]`: how the searches went, from a knowledge directory's wisdom and
// trial logs. Without --html, a line per unit and device on stdout; with it, one self-contained
// HTML page (tool/report/html.hpp). Not to be confused with tool/cli/report.hpp, which prints
// scan diagnostics.

#include "knowledge/store.hpp"
#include "tool/cli/commands.hpp"
#include "tool/report/collect.hpp"
#include "tool/report/html.hpp"
#include "tool/tune/apply.hpp"
#include "tool/tune/target_config.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <memory>

namespace kevolve::tool {

namespace {

struct ReportOptions {
  std::string build;
  std::string knowledge;
  std::string html;
  std::string unit;
};

int run_report(const ReportOptions& o) {
  auto found = tune::knowledge_dir_for(o.build, o.knowledge);
  if (!found) throw Error(found.error());
  auto knowledge = knowledge::KnowledgeDir::open(*found);
  if (!knowledge) throw Error(knowledge.error());
  auto units = report::collect(*knowledge, o.unit);
  if (!units) throw Error(units.error());
  if (o.html.empty()) {
    if (units->empty()) fmt::print("{}: no wisdom and no trial log\n", found->string());
    fmt::print("{}", report::text_report(*units));
    return 0;
  }
  const std::string page = report::html_report(*units, found->string());
  if (o.html == "-") {
    fmt::print("{}", page);
    return 0;
  }
  if (auto written = tune::write_if_changed(o.html, page); !written) throw Error(written.error());
  fmt::print(stderr, "kevolve: report of {} unit/device pair(s) written to {}\n", units->size(),
             o.html);
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Report how the searches went: convergence, time per stage, winners, runs");
  cmd->add_option("-B,--build", o->build,
                  "A build directory: use its targets' knowledge directory");
  cmd->add_option("--knowledge", o->knowledge, "The knowledge directory (default: .kevolve)");
  cmd->add_option("--html", o->html,
                  "Write one self-contained HTML page to FILE (- for stdout); a link, directory "
                  "or device there is refused")
      ->type_name("FILE");
  cmd->add_option("--unit", o->unit, "Only this unit");
  cmd->callback([o, &action] { action = [o] { return run_report(*o); }; });
}

}  // namespace kevolve::tool
