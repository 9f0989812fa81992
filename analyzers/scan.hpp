#pragma once

// A target's tuning units, assembled from the findings of its sources and checked: every unit
// with its kernel, space, parameters (defaults and uses), harness and content hash, and every
// problem with its position.

#include "analyzers/file_api.hpp"
#include "analyzers/findings.hpp"
#include "analyzers/scanner.hpp"
#include "space/spec.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::analyzers {

struct Problem {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  Position where;  // file empty when the problem has no position
  std::string message;
};

struct Param {
  std::string name;
  std::vector<space::Value> values;
  std::string default_text;                   // as written where it is used; empty if unused
  std::optional<space::Value> default_value;  // when that text is a literal
  std::vector<Position> uses;
};

struct Unit {
  std::string name;
  Position marker;           // the KEVOLVE_TUNE use
  AnnotatedFunction kernel;  // kernel.name.file is its file
  std::string space;
  space::InjectMode inject = space::InjectMode::param;
  std::vector<Param> params;
  std::optional<Position> harness;  // the KEVOLVE_BENCH function
  std::string hash;                 // kernel text + space + harness file: what tuning measured
  std::string kernel_hash;          // kernel text + space: what a build injects into
};

// The units one parsed source's translation unit reaches: it reads the kernel's file, names the
// unit in a KEVOLVE_PARAM, or expands a parameter of an `inject: macros` unit. Only these
// units' winners need reach its compile (the build's per-source injection, docs/cmake.md).
struct SourceUnits {
  std::string file;
  std::vector<std::string> units;  // by name
};

struct TargetScan {
  std::string target;
  std::vector<Unit> units;         // by name
  std::vector<SourceUnits> reach;  // one per parsed file, in parse order
  std::vector<Problem> problems;
  std::vector<std::string> inputs;  // every file the scan read, system headers aside
  int files = 0;
  ParseStats stats;

  int errors() const;
  int warnings() const;
  const Unit* find(std::string_view unit) const;
};

// What to parse for one target.
struct ScanRequest {
  std::string target;
  std::filesystem::path source_dir;  // for messages
  std::vector<SourceJob> sources;
  std::vector<SourceJob> harnesses;
};

// Requests for the targets of a build (all with C, C++, CUDA or HIP sources, or just `only`),
// each with the harness files given.
util::Expected<std::vector<ScanRequest>> plan_scan(
    const BuildInfo& build, const ScanEnvironment& env, std::string_view only,
    const std::vector<std::filesystem::path>& harnesses);

// The files scan_target parses, in its order (a harness that is also a source is parsed once).
std::vector<SourceJob> scan_jobs(const ScanRequest& request);

TargetScan scan_target(const ScanRequest& request, const ParseOptions& options);

// Assembles and checks units from findings (the part of scan_target after parsing).
TargetScan assemble(const std::string& target, const std::vector<FileFindings>& findings);

}  // namespace kevolve::analyzers
