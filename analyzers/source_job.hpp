#pragma once

// One source to parse, with its libclang arguments: what the scanner parses and the scan cache
// keys its findings by.

#include "analyzers/compile_args.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::analyzers {

struct SourceJob {
  std::filesystem::path file;
  Language language = Language::cxx;
  std::vector<std::string> args;
};

}  // namespace kevolve::analyzers
