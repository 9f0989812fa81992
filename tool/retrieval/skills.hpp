#pragma once

// Skills: what a search learned, written back as a passage (docs/retrieval.md, "Skills"). After a
// search, each improvement that held becomes one file `.kevolve/skills/<unit>-<hash>.md`,
// committed and reviewed like any other file, and retrieved by later searches of other units
// (and of projects that copy it) whose kernels have the same bottleneck.

#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace kevolve::retrieval {

struct Skill {
  std::string unit, device, backend, arch;        // a unit name; a device id; "cuda"; "sm_90"
  std::string bound_before, bound_after;          // "memory", "compute", "latency" or ""
  std::optional<double> peak_before, peak_after;  // % of the measured peak
  double speedup = 1;                             // the variant's best over the original's best
  std::string explanation;   // the model's own words (untrusted: quoted, capped)
  std::string diff_summary;  // e.g. "+24 -9 lines: ..." (one line, capped)
  std::string variant;       // the variant's hash (32 hex digits)
  std::string date;          // ISO date
};

// The caps on what a skill quotes, so that a skill stays one passage below its cap.
inline constexpr std::size_t k_max_explanation_bytes = 2000;
inline constexpr std::size_t k_max_summary_bytes = 300;

// The file's text: a front matter (title; tags: backend, arch, bound before, the words of the
// unit's name) and a body that quotes the explanation line by line ("> "), so that nothing the
// model wrote can pass for front matter. The same skill gives the same bytes.
util::Expected<std::string> skill_text(const Skill& skill);

// Writes <skills_dir>/<unit>-<the variant's hash, first 8 digits>.md atomically (the folder
// created; no link inside the folder's parent followed) and returns its path.
util::Expected<std::filesystem::path> write_skill(const std::filesystem::path& skills_dir,
                                                  const Skill& skill);

}  // namespace kevolve::retrieval
