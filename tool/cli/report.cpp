#include "tool/cli/report.hpp"

#include <fmt/format.h>

namespace kevolve::tool {

namespace fs = std::filesystem;

void print_problem(const analyzers::Problem& p, const fs::path& base) {
  std::string where = relative_to(p.where.file, base);
  if (!where.empty() && p.where.line > 0)
    where += fmt::format(":{}:{}", p.where.line, p.where.column);
  fmt::print(stderr, "{}{}: {}\n", where.empty() ? "" : where + ": ",
             p.severity == analyzers::Problem::Severity::error ? "error" : "warning", p.message);
}

void print_problems(const analyzers::TargetScan& scan, const fs::path& base) {
  for (const auto& p : scan.problems) print_problem(p, base);
}

}  // namespace kevolve::tool
