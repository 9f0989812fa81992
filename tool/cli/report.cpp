#include "tool/cli/report.hpp"

#include <fmt/format.h>

namespace kevolve::tool {

namespace fs = std::filesystem;

std::string relative_to(const std::string& file, const fs::path& base) {
  if (file.empty()) return file;
  std::error_code ec;
  fs::path rel = fs::relative(file, base, ec);
  if (ec || rel.empty() || *rel.begin() == "..") return file;
  return rel.string();
}

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
