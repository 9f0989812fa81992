#pragma once

// Parsing sources with libclang and collecting the kevolve markers in them.

#include "analyzers/compile_args.hpp"
#include "analyzers/findings.hpp"
#include "analyzers/libclang.hpp"
#include "analyzers/source_job.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// libclang's translation unit (clang-c/Index.h's CXTranslationUnit), named here without its
// headers.
struct CXTranslationUnitImpl;

namespace kevolve::analyzers {

struct ParseOptions {
  unsigned jobs = 0;                // parallel parses; 0: one per hardware thread
  bool use_prelude = true;          // share a precompiled CUDA/HIP runtime prelude
  std::filesystem::path work_dir;   // where preludes are cached
  std::filesystem::path cache_dir;  // findings of unchanged sources (scan_cache.hpp); empty: none
  // A source whose parsed translation unit `inspect` sees before it is disposed of (the variant
  // checks walk its AST: one parse serves both); its findings bypass the cache.
  std::filesystem::path inspect_file;
  std::function<void(CXTranslationUnitImpl*)> inspect;
};

struct ParseStats {
  double prelude_seconds = 0;  // building preludes that were not cached
  double parse_seconds = 0;    // wall time of the parallel parse
  int preludes_built = 0;
  int preludes_reused = 0;
  int cached = 0;  // sources whose findings came from the cache
};

// Parses every job (in parallel) and returns the findings in the order of `jobs`.
std::vector<FileFindings> parse_sources(const std::vector<SourceJob>& jobs,
                                        const ParseOptions& options, ParseStats* stats = nullptr);

// The findings of a translation unit parsed by the caller (the variant checks reparse one
// kernel file with a precompiled preamble), found as parse_sources finds them for `file`. Of a
// unit with a preamble, the macros defined and used in the preamble are not visited
// (libclang visits only the local preprocessing record).
FileFindings findings_of(CXTranslationUnitImpl* tu, const std::filesystem::path& file);

}  // namespace kevolve::analyzers
