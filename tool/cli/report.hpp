#pragma once

// Printing what several commands report: scan problems like a compiler's diagnostics, paths
// relative to the project.

#include "analyzers/scan.hpp"
#include "util/files.hpp"

#include <filesystem>
#include <string>

namespace kevolve::tool {

using util::relative_to;  // util/files.hpp

// "file:line:col: error|warning: message" on stderr.
void print_problem(const analyzers::Problem& problem, const std::filesystem::path& base);
void print_problems(const analyzers::TargetScan& scan, const std::filesystem::path& base);

}  // namespace kevolve::tool
