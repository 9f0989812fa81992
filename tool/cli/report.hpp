#pragma once

// Printing what several commands report: scan problems like a compiler's diagnostics, paths
// relative to the project.

#include "analyzers/scan.hpp"

#include <filesystem>
#include <string>

namespace kevolve::tool {

std::string relative_to(const std::string& file, const std::filesystem::path& base);

// "file:line:col: error|warning: message" on stderr.
void print_problem(const analyzers::Problem& problem, const std::filesystem::path& base);
void print_problems(const analyzers::TargetScan& scan, const std::filesystem::path& base);

}  // namespace kevolve::tool
