#pragma once

// A cache of what the scanner found in a source (ccache's direct mode for libclang): keyed by
// the libclang version, the arguments and the source's content, valid while every non-system
// file it included still has the content it had. It lives outside build directories
// (KEVOLVE_CACHE_DIR, else $XDG_CACHE_HOME/kevolve, else ~/.cache/kevolve), so a fresh build
// directory of unchanged sources parses nothing.

#include "analyzers/findings.hpp"
#include "analyzers/source_job.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace kevolve::analyzers {

// The default cache directory, or empty when none can be used.
std::filesystem::path default_scan_cache();

class ScanCache {
 public:
  explicit ScanCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  std::optional<FileFindings> find(const SourceJob& job) const;
  void store(const SourceJob& job, const FileFindings& findings) const;

 private:
  std::string key(const SourceJob& job) const;
  std::filesystem::path m_dir;
};

}  // namespace kevolve::analyzers
